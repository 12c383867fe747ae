import { describe, expect, it } from "vitest";
import {
  canTransition,
  checkMerge,
  checkTicketMove,
  checkTransition,
  isOpen,
  isStatus,
  movesOf,
  priorityOf,
  REASON_REQUIRED,
  STATUSES,
  type Status,
  statusAfterTake,
  TRANSITIONS,
} from "./tickets.domain.ts";

const legal: [Status, Status][] = STATUSES.flatMap((from) =>
  TRANSITIONS[from].map((to): [Status, Status] => [from, to]),
);
const illegal: [Status, Status][] = STATUSES.flatMap((from) =>
  STATUSES.filter((to) => !TRANSITIONS[from].includes(to)).map((to): [Status, Status] => [from, to]),
);

describe("the transition table", () => {
  it("covers every status and names only known statuses", () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...STATUSES].sort());
    for (const to of Object.values(TRANSITIONS).flat()) expect(isStatus(to)).toBe(true);
  });

  it("splits the 100 status pairs into legal and illegal moves", () => {
    expect(legal.length + illegal.length).toBe(STATUSES.length ** 2);
    expect(legal).toHaveLength(32);
  });

  it("is the agreed lifecycle, move for move", () => {
    expect(TRANSITIONS).toEqual({
      new: ["in_progress", "awaiting_merchant", "needs_info", "not_applicable"],
      in_progress: [
        "awaiting_customer",
        "awaiting_merchant",
        "awaiting_execution",
        "needs_info",
        "not_applicable",
        "resolved",
      ],
      awaiting_customer: ["in_progress", "resolved", "closed"],
      awaiting_merchant: ["in_progress", "awaiting_execution", "resolved"],
      awaiting_execution: ["in_progress", "resolved"],
      needs_info: ["in_progress", "not_applicable", "closed"],
      not_applicable: ["closed", "reopened"],
      resolved: ["closed", "reopened"],
      closed: ["reopened"],
      reopened: [
        "in_progress",
        "awaiting_customer",
        "awaiting_merchant",
        "awaiting_execution",
        "needs_info",
        "resolved",
      ],
    });
  });

  it.each(legal)("%s → %s is legal (with a reason)", (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(checkTransition(from, to, "客户补充了订单截图")).toBeNull();
  });

  it.each(illegal)("%s → %s is ILLEGAL_TRANSITION", (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(checkTransition(from, to, undefined)).toBe("ILLEGAL_TRANSITION");
    // A reason never makes an illegal move legal.
    expect(checkTransition(from, to, "主管同意")).toBe("ILLEGAL_TRANSITION");
  });

  it("never lets a ticket stay where it is, nor go back to new", () => {
    for (const status of STATUSES) expect(canTransition(status, status)).toBe(false);
    for (const status of STATUSES) expect(canTransition(status, "new")).toBe(false);
  });

  it("only leaves closed by reopening", () => {
    expect(TRANSITIONS.closed).toEqual(["reopened"]);
  });

  it("lets a reopened ticket go back to work or straight to resolved, not to closed", () => {
    expect(TRANSITIONS.reopened).toEqual([
      "in_progress",
      "awaiting_customer",
      "awaiting_merchant",
      "awaiting_execution",
      "needs_info",
      "resolved",
    ]);
    expect(canTransition("reopened", "closed")).toBe(false);
    expect(canTransition("reopened", "not_applicable")).toBe(false);
  });
});

describe("reasons", () => {
  it("are required for not_applicable, reopened and needs_info", () => {
    expect([...REASON_REQUIRED].sort()).toEqual(["needs_info", "not_applicable", "reopened"]);
  });

  const needing = legal.filter(([, to]) => REASON_REQUIRED.includes(to));
  const notNeeding = legal.filter(([, to]) => !REASON_REQUIRED.includes(to));

  it.each(needing)("%s → %s without a reason is REASON_REQUIRED", (from, to) => {
    expect(checkTransition(from, to, undefined)).toBe("REASON_REQUIRED");
    expect(checkTransition(from, to, "")).toBe("REASON_REQUIRED");
    expect(checkTransition(from, to, "   \n\t ")).toBe("REASON_REQUIRED");
    expect(checkTransition(from, to, "订单号与手机号不匹配，请客户核对")).toBeNull();
  });

  it.each(notNeeding)("%s → %s needs no reason", (from, to) => {
    expect(checkTransition(from, to, undefined)).toBeNull();
    expect(checkTransition(from, to, "")).toBeNull();
  });

  it("reports an illegal move before a missing reason", () => {
    expect(checkTransition("closed", "needs_info", undefined)).toBe("ILLEGAL_TRANSITION");
    expect(checkTransition("new", "reopened", undefined)).toBe("ILLEGAL_TRANSITION");
  });

  it.each(STATUSES)("offers a merged duplicate no move, and others their status's moves (%s)", (status) => {
    expect(movesOf({ status, mergedInto: "FD2026120700001" })).toEqual([]);
    expect(movesOf({ status, mergedInto: null })).toEqual(TRANSITIONS[status]);
  });

  it.each(STATUSES)("refuses every move of a merged duplicate, even closed → reopened (%s)", (to) => {
    const reason = "客户说问题没解决";
    expect(checkTicketMove({ status: "closed", mergedInto: "FD2026120700001" }, to, reason)).toBe("MERGED");
    expect(checkTicketMove({ status: "closed", mergedInto: null }, to, reason)).toBe(
      to === "reopened" ? null : "ILLEGAL_TRANSITION",
    );
  });
});

describe("isOpen", () => {
  it.each(STATUSES)("%s", (status) => {
    expect(isOpen(status)).toBe(!["resolved", "closed", "not_applicable"].includes(status));
  });
});

describe("isStatus", () => {
  it("accepts the ten statuses and nothing else", () => {
    for (const status of STATUSES) expect(isStatus(status)).toBe(true);
    for (const other of ["", "open", "NEW", "in-progress", "done", "constructor"])
      expect(isStatus(other)).toBe(false);
  });
});

describe("statusAfterTake", () => {
  it("starts the work on a new or reopened ticket", () => {
    expect(statusAfterTake("new")).toBe("in_progress");
    expect(statusAfterTake("reopened")).toBe("in_progress");
  });

  it.each(STATUSES.filter((s) => s !== "new" && s !== "reopened"))("leaves %s as it is", (status) => {
    expect(statusAfterTake(status)).toBe(status);
  });

  it("only ever moves along a legal transition", () => {
    for (const status of STATUSES) {
      const after = statusAfterTake(status);
      if (after !== status) expect(canTransition(status, after)).toBe(true);
    }
  });
});

describe("checkMerge", () => {
  const ticket = (ticketNo: string, status: Status, customerPhone = "13800138000") => ({
    ticketNo,
    status,
    orderNo: "FDO000001",
    customerPhone,
  });

  it("merges an open duplicate into another open ticket of the same customer", () => {
    expect(
      checkMerge(ticket("FD20261125000002", "new"), ticket("FD20261125000001", "in_progress")),
    ).toBeNull();
    expect(
      checkMerge(ticket("FD20261125000002", "reopened"), ticket("FD20261125000001", "awaiting_customer")),
    ).toBeNull();
  });

  it("refuses to merge a ticket into itself", () => {
    expect(checkMerge(ticket("FD20261125000001", "new"), ticket("FD20261125000001", "new"))).toBe(
      "SAME_TICKET",
    );
  });

  it.each(["resolved", "closed", "not_applicable"] as const)("refuses a %s source", (status) => {
    expect(checkMerge(ticket("FD2", status), ticket("FD1", "in_progress"))).toBe("SOURCE_NOT_OPEN");
  });

  it.each(["resolved", "closed", "not_applicable"] as const)("refuses a %s target", (status) => {
    expect(checkMerge(ticket("FD2", "new"), ticket("FD1", status))).toBe("TARGET_NOT_OPEN");
  });

  it("refuses to merge tickets of two different customers", () => {
    expect(checkMerge(ticket("FD2", "new", "13800138000"), ticket("FD1", "new", "13900139000"))).toBe(
      "DIFFERENT_CUSTOMER",
    );
  });

  it("reports the first problem in a fixed order: same ticket, source, target, customer", () => {
    expect(checkMerge(ticket("FD1", "closed"), ticket("FD1", "closed"))).toBe("SAME_TICKET");
    expect(checkMerge(ticket("FD2", "closed"), ticket("FD1", "closed", "13900139000"))).toBe(
      "SOURCE_NOT_OPEN",
    );
    expect(checkMerge(ticket("FD2", "new"), ticket("FD1", "closed", "13900139000"))).toBe("TARGET_NOT_OPEN");
  });
});

describe("priorityOf", () => {
  it.each([
    ["serious", false, 1],
    ["serious", true, 1],
    ["general", true, 2],
    ["minor", true, 2],
    ["general", false, 3],
    ["minor", false, 4],
  ] as const)("%s, urgent=%s → %i", (severity, urgent, priority) => {
    expect(priorityOf(severity, urgent)).toBe(priority);
  });
});
