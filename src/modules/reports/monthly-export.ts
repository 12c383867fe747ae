import { existsSync } from "node:fs";
import ExcelJS from "exceljs";
import PDFDocument from "pdfkit";
import { AppError, type Locale, text } from "../../platform/errors.ts";
import type { PolicyPack } from "../../policy-packs/schema.ts";
import type { MonthlyReport } from "./monthly.ts";
import { labelsOf, WORDS } from "./monthly-csv.ts";

/**
 * The monthly report as an Excel workbook (figures as numbers, rates formatted as percentages, so a
 * reader can compute with them) and as a printable PDF with the category chart. The PDF embeds a CJK
 * font: PDF's standard fonts have no Chinese glyphs.
 */

/** Debian's fonts-wqy-microhei first; REPORTS_PDF_FONT names another TrueType/OpenType file. */
const FONT_CANDIDATES = [
  process.env.REPORTS_PDF_FONT,
  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
].filter((f): f is string => Boolean(f));

function cjkFont(): { path: string; family?: string } {
  const path = FONT_CANDIDATES.find((f) => existsSync(f));
  if (!path)
    throw new AppError(
      "PDF_FONT_MISSING",
      503,
      text(
        `导出 PDF 需要中文字体：请安装 fonts-wqy-microhei（${FONT_CANDIDATES.join("、")} 均不存在），或用 REPORTS_PDF_FONT 指定字体文件`,
        `The PDF export needs a CJK font: install fonts-wqy-microhei (none of ${FONT_CANDIDATES.join(", ")} exists), or name a font file in REPORTS_PDF_FONT`,
      ),
    );
  // A font collection (.ttc) needs the face's PostScript name.
  return path.endsWith("wqy-microhei.ttc")
    ? { path, family: "WenQuanYiMicroHei" }
    : path.endsWith(".ttc")
      ? { path, family: path.includes("zenhei") ? "WenQuanYiZenHei" : "NotoSansCJKsc-Regular" }
      : { path };
}

type KpiName =
  | "tickets"
  | "resolutionRate"
  | "avgResolutionMinutes"
  | "satisfactionAvg"
  | "secondRoundRate"
  | "escalationRate"
  | "withdrawalRate"
  | "avgFirstResponseMinutes"
  | "slaAttainment";
const KPI_ROWS: {
  kpi: KpiName;
  rate: boolean;
  target?: "resolutionRate" | "handlingMinutes" | "satisfaction";
}[] = [
  { kpi: "tickets", rate: false },
  { kpi: "resolutionRate", rate: true, target: "resolutionRate" },
  { kpi: "avgResolutionMinutes", rate: false, target: "handlingMinutes" },
  { kpi: "satisfactionAvg", rate: false, target: "satisfaction" },
  { kpi: "secondRoundRate", rate: true },
  { kpi: "escalationRate", rate: true },
  { kpi: "withdrawalRate", rate: true },
  { kpi: "avgFirstResponseMinutes", rate: false },
  { kpi: "slaAttainment", rate: true },
];

const PERCENT = "0.00%";

export async function monthlyXlsx(
  r: MonthlyReport,
  pack: PolicyPack | undefined,
  locale: Locale,
): Promise<Buffer> {
  const w = WORDS[locale];
  const label = labelsOf(pack, locale);
  const book = new ExcelJS.Workbook();
  book.created = new Date(0);
  const summary = book.addWorksheet(w.summary);
  summary.addRow([w.title, pack?.labels[locale] ?? r.businessLine, r.month]);
  summary.addRow([]);
  summary.addRow([w.metric, w.thisMonth, w.lastMonth, w.lastYear, w.target, w.met]);
  for (const row of KPI_ROWS) {
    const check = row.target ? r.targets[row.target] : undefined;
    const added = summary.addRow([
      w[row.kpi],
      r.kpis[row.kpi],
      r.lastMonth[row.kpi],
      r.lastYear[row.kpi],
      check?.target ?? null,
      check ? (check.met === null ? null : check.met ? w.yes : w.no) : null,
    ]);
    if (row.rate) for (const c of [2, 3, 4, 5]) added.getCell(c).numFmt = PERCENT;
  }
  const rate = summary.addRow([w.complaintRate, r.complaintRate]);
  rate.getCell(2).numFmt = PERCENT;
  summary.getColumn(1).width = 32;

  const sheet = (
    name: string,
    head: string[],
    rows: (string | number | null)[][],
    percentColumn?: number,
  ) => {
    const s = book.addWorksheet(name);
    s.addRow(head).font = { bold: true };
    for (const row of rows) {
      const added = s.addRow(row);
      if (percentColumn) added.getCell(percentColumn).numFmt = PERCENT;
    }
    s.getColumn(1).width = 28;
  };
  sheet(
    w.category,
    [w.category, w.count, w.share],
    r.categoryShares.map((c) => [label.category(c.category), c.count, c.share]),
    3,
  );
  sheet(
    w.subType,
    [w.category, w.subType, w.count, w.share],
    r.topSubTypes.map((s) => [
      label.category(s.category),
      label.subType(s.category, s.subType),
      s.count,
      s.share,
    ]),
    4,
  );
  sheet(
    w.merchant,
    [w.merchant, w.count, w.share],
    r.topMerchants.map((m) => [m.name ? `${m.name} (${m.merchantId})` : m.merchantId, m.count, m.share]),
    3,
  );
  sheet(
    w.region,
    [w.region, w.count, w.share],
    r.topRegions.map((g) => [g.region, g.count, g.share]),
    3,
  );
  sheet(
    w.incidents,
    [w.incidents, w.kind, w.status, w.openedAt, w.reason, w.count],
    r.incidents.map((i) => [i.id, i.kind, i.status, i.openedAt, i.reason, i.tickets]),
  );
  return Buffer.from(await book.xlsx.writeBuffer());
}

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(2)}%`);
const plain = (v: number | null) => (v === null ? "—" : String(v));

export function monthlyPdf(r: MonthlyReport, pack: PolicyPack | undefined, locale: Locale): Promise<Buffer> {
  const font = cjkFont();
  const w = WORDS[locale];
  const label = labelsOf(pack, locale);
  const doc = new PDFDocument({
    size: "A4",
    margin: 48,
    info: { Title: `${w.title} ${r.businessLine} ${r.month}`, Subject: r.month, CreationDate: new Date(0) },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  doc.registerFont("cjk", font.path, font.family);
  doc.font("cjk");

  doc.fontSize(18).text(`${w.title}`, { align: "center" });
  doc
    .fontSize(12)
    .text(`${pack?.labels[locale] ?? r.businessLine} · ${r.month}`, { align: "center" })
    .moveDown();

  const columns = [48, 250, 330, 410, 490];
  const row = (cells: string[], size = 10) => {
    const y = doc.y;
    doc.fontSize(size);
    for (const [i, c] of cells.entries())
      doc.text(c, columns[i], y, { width: (columns[i + 1] ?? 560) - (columns[i] ?? 0) - 4 });
    doc.x = 48;
    doc.moveDown(0.3);
  };
  row([w.metric, w.thisMonth, w.lastMonth, w.lastYear, w.target], 10);
  for (const k of KPI_ROWS) {
    const show = k.rate ? pct : plain;
    const check = k.target ? r.targets[k.target] : undefined;
    row([
      w[k.kpi],
      show(r.kpis[k.kpi]),
      show(r.lastMonth[k.kpi]),
      show(r.lastYear[k.kpi]),
      check ? `${show(check.target)} ${check.met === null ? "" : check.met ? "✓" : "✗"}` : "",
    ]);
  }
  row([w.complaintRate, pct(r.complaintRate)]);
  doc.moveDown();

  // The share of each problem type as a bar chart.
  doc.fontSize(13).text(w.category, 48).moveDown(0.5);
  const top = r.categoryShares[0]?.count ?? 0;
  for (const c of r.categoryShares) {
    const y = doc.y;
    doc.fontSize(10).fillColor("black").text(label.category(c.category), 48, y, { width: 140 });
    const width = top ? Math.max(2, (c.count / top) * 260) : 0;
    doc.rect(190, y + 1, width, 10).fill("#1677ff");
    doc.fillColor("black").text(`${c.count} · ${pct(c.share)}`, 200 + width, y);
    doc.x = 48;
    doc.moveDown(0.4);
  }
  doc.moveDown();
  const list = (title: string, lines: string[]) => {
    doc.fontSize(13).text(title, 48).moveDown(0.3);
    doc.fontSize(10);
    for (const l of lines.length ? lines : ["—"]) doc.text(l, 48);
    doc.moveDown();
  };
  list(
    w.merchant,
    r.topMerchants.map((m) => `${m.name ?? m.merchantId}（${m.merchantId}）  ${m.count} · ${pct(m.share)}`),
  );
  list(
    w.region,
    r.topRegions.map((g) => `${g.region}  ${g.count} · ${pct(g.share)}`),
  );
  list(
    w.incidents,
    r.incidents.map(
      (i) =>
        `${i.openedAt.slice(0, 16).replace("T", " ")}  ${i.kind} · ${i.status}  ${i.reason ?? ""}  (${i.tickets})`,
    ),
  );
  doc.end();
  return done;
}
