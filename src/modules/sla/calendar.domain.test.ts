import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  addBusinessTime,
  businessTimeBetween,
  isWithinServiceHours,
  isWorkday,
  localDate,
  localInstant,
  makeCalendar,
  nextOpening,
  type ServiceHours,
  yearOverview,
} from "./calendar.domain.ts";
import { SHIPPED_YEARS, shippedCalendar } from "./holidays.ts";

/** Food delivery: workdays 9:00–21:00, rest days (weekends, public holidays) 8:00–22:00. */
const FOOD: ServiceHours = {
  workdays: { open: "09:00", close: "21:00" },
  holidays: { open: "08:00", close: "22:00" },
};
/** An office that is closed on rest days. */
const OFFICE: ServiceHours = {
  workdays: { open: "09:00", close: "18:00" },
  holidays: { open: "00:00", close: "00:00" },
};
const MIN = 60_000;
const cal = shippedCalendar;
/** Shanghai wall-clock time → instant: at("2026-03-13 20:50"). */
const at = (local: string) => {
  const [date, time] = local.split(" ");
  return localInstant(date!, time);
};
/** Instant → Shanghai wall-clock text, for readable failures. */
const local = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");

describe("the shipped calendar", () => {
  it("transcribes the State Council notices for 2025 and 2026 and names them", () => {
    expect(SHIPPED_YEARS.map((y) => y.year)).toEqual([2025, 2026]);
    for (const y of SHIPPED_YEARS) {
      expect(y.source.notice).toBe(`国务院办公厅关于${y.year}年部分节假日安排的通知`);
      expect(y.days.every((d) => d.date.startsWith(String(y.year)))).toBe(true);
    }
    expect(SHIPPED_YEARS[0]!.source.documentNo).toBe("国办发明电〔2024〕12号");
  });

  it("has the days off and the adjusted working days of each year", () => {
    // 2025: 元旦 1 + 春节 8 + 清明 3 + 劳动节 5 + 端午 3 + 国庆中秋 8 = 28 days off; 1.26, 2.8, 4.27, 9.28, 10.11 adjusted.
    expect(yearOverview(cal, 2025)).toMatchObject({ holidays: 28, adjustedWorkdays: 5 });
    // 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 = 33 days off; 1.4, 2.14, 2.28, 5.9, 9.20, 10.10 adjusted.
    expect(yearOverview(cal, 2026)).toMatchObject({ holidays: 33, adjustedWorkdays: 6 });
  });

  it("tells working days from rest days", () => {
    expect(isWorkday(cal, "2026-03-10")).toBe(true); // an ordinary Tuesday
    expect(isWorkday(cal, "2026-03-14")).toBe(false); // an ordinary Saturday
    expect(isWorkday(cal, "2026-10-01")).toBe(false); // 国庆节, a Thursday
    expect(isWorkday(cal, "2026-02-14")).toBe(true); // 春节调休, a Saturday
    expect(isWorkday(cal, "2025-10-11")).toBe(true); // 国庆调休, a Saturday
    expect(isWorkday(cal, "2027-03-10")).toBe(true); // past the data: the weekday rule
  });
});

describe("service time across a weekend", () => {
  it("carries the rest of the time into Saturday's (rest-day) hours", () => {
    // Friday 20:50: 10 minutes left today, then Saturday opens at 8:00.
    expect(local(addBusinessTime(at("2026-03-13 20:50"), 30 * MIN, FOOD, cal))).toBe("2026-03-14 08:20");
  });

  it("skips the weekend when service is closed on rest days", () => {
    expect(local(addBusinessTime(at("2026-03-13 17:50"), 30 * MIN, OFFICE, cal))).toBe("2026-03-16 09:20");
    expect(businessTimeBetween(at("2026-03-13 17:50"), at("2026-03-16 09:20"), OFFICE, cal)).toBe(30 * MIN);
  });

  it("counts business days over the weekend", () => {
    // Friday + 1 business day → the end of Monday's service; + 3 → Wednesday.
    expect(local(addBusinessDays(at("2026-03-13 10:00"), 1, FOOD, cal))).toBe("2026-03-16 21:00");
    expect(local(addBusinessDays(at("2026-03-13 10:00"), 3, FOOD, cal))).toBe("2026-03-18 21:00");
    // A Saturday request: Monday is the first business day.
    expect(local(addBusinessDays(at("2026-03-14 15:00"), 1, OFFICE, cal))).toBe("2026-03-16 18:00");
  });
});

describe("service time across a public holiday", () => {
  it("serves the National Day holiday with holiday hours", () => {
    // Wednesday 30 September 2026 20:50, then 1 October (Thursday, a holiday) opens at 8:00.
    expect(local(addBusinessTime(at("2026-09-30 20:50"), 30 * MIN, FOOD, cal))).toBe("2026-10-01 08:20");
    expect(isWithinServiceHours(at("2026-10-01 08:30"), FOOD, cal)).toBe(true);
    expect(isWithinServiceHours(at("2026-10-02 21:30"), FOOD, cal)).toBe(true); // a Friday, but a holiday
  });

  it("does not count holiday days as business days", () => {
    // 2026: 1–7 October off → the first business day after 30 September is Thursday 8 October.
    expect(local(addBusinessDays(at("2026-09-30 10:00"), 1, FOOD, cal))).toBe("2026-10-08 21:00");
    // 2025: 1–8 October off → Thursday 9 October.
    expect(local(addBusinessDays(at("2025-09-30 10:00"), 1, FOOD, cal))).toBe("2025-10-09 21:00");
    // 3 business days over 清明 2026 (4–6 April, Saturday to Monday): Friday 3 April → 7, 8, 9 April.
    expect(local(addBusinessDays(at("2026-04-03 10:00"), 3, FOOD, cal))).toBe("2026-04-09 21:00");
  });

  it("skips a holiday entirely when service is closed on rest days", () => {
    expect(local(addBusinessTime(at("2026-09-30 17:30"), 60 * MIN, OFFICE, cal))).toBe("2026-10-08 09:30");
  });
});

describe("an adjusted working Saturday (调休上班)", () => {
  it("opens with workday hours, not rest-day hours", () => {
    // Saturday 14 February 2026 is a working day: it opens at 9:00, not 8:00.
    expect(local(addBusinessTime(at("2026-02-13 20:50"), 30 * MIN, FOOD, cal))).toBe("2026-02-14 09:20");
    expect(isWithinServiceHours(at("2026-02-14 08:30"), FOOD, cal)).toBe(false);
    // An ordinary Saturday a week later opens at 8:00.
    expect(local(addBusinessTime(at("2026-03-06 20:50"), 30 * MIN, FOOD, cal))).toBe("2026-03-07 08:20");
  });

  it("counts as a business day, and an office opens on it", () => {
    expect(local(addBusinessDays(at("2026-02-13 10:00"), 1, FOOD, cal))).toBe("2026-02-14 21:00");
    expect(local(addBusinessTime(at("2026-02-13 17:50"), 30 * MIN, OFFICE, cal))).toBe("2026-02-14 09:20");
    // 2 business days from the Friday before 春节 2026: Saturday 14th (调休), then Tuesday 24th (after 15–23 off).
    expect(local(addBusinessDays(at("2026-02-13 10:00"), 2, FOOD, cal))).toBe("2026-02-24 21:00");
  });
});

describe("a request arriving after hours", () => {
  it("starts its clock at the next opening", () => {
    // Tuesday 22:30 → Wednesday 9:00 + 30 minutes.
    expect(local(addBusinessTime(at("2026-03-10 22:30"), 30 * MIN, FOOD, cal))).toBe("2026-03-11 09:30");
    expect(local(nextOpening(at("2026-03-10 22:30"), FOOD, cal))).toBe("2026-03-11 09:00");
    // Before opening on the same day.
    expect(local(addBusinessTime(at("2026-03-11 06:15"), 30 * MIN, FOOD, cal))).toBe("2026-03-11 09:30");
    // Exactly at closing is after hours; a minute before is not.
    expect(local(nextOpening(at("2026-03-10 21:00"), FOOD, cal))).toBe("2026-03-11 09:00");
    expect(local(addBusinessTime(at("2026-03-10 20:59"), 30 * MIN, FOOD, cal))).toBe("2026-03-11 09:29");
  });

  it("counts no service time during the night", () => {
    expect(businessTimeBetween(at("2026-03-10 22:30"), at("2026-03-11 09:00"), FOOD, cal)).toBe(0);
    expect(businessTimeBetween(at("2026-03-10 20:30"), at("2026-03-11 09:30"), FOOD, cal)).toBe(60 * MIN);
    expect(businessTimeBetween(at("2026-03-11 09:30"), at("2026-03-10 20:30"), FOOD, cal)).toBe(-60 * MIN);
  });
});

describe("arithmetic", () => {
  it("ends a duration that fills the day exactly at closing", () => {
    expect(local(addBusinessTime(at("2026-03-10 20:30"), 30 * MIN, FOOD, cal))).toBe("2026-03-10 21:00");
  });

  it("counts backwards with a negative duration", () => {
    expect(local(addBusinessTime(at("2026-03-11 09:10"), -30 * MIN, FOOD, cal))).toBe("2026-03-10 20:40");
    expect(local(addBusinessTime(at("2026-03-14 08:10"), -30 * MIN, FOOD, cal))).toBe("2026-03-13 20:40");
  });

  it("round-trips: adding back the service time between two instants", () => {
    const from = at("2026-02-12 15:17");
    for (const minutes of [1, 59, 240, 721, 1440, 5000]) {
      const to = addBusinessTime(from, minutes * MIN, FOOD, cal);
      expect(businessTimeBetween(from, to, FOOD, cal)).toBe(minutes * MIN);
    }
  });

  it("answers in Shanghai time whatever the instant's UTC date", () => {
    expect(localDate(new Date("2026-03-10T16:30:00Z"))).toBe("2026-03-11"); // 00:30 in Shanghai
    expect(at("2026-03-11 00:30").toISOString()).toBe("2026-03-10T16:30:00.000Z");
  });

  it("lets an admin's change of a day change the arithmetic", () => {
    const typhoon = makeCalendar([
      ...SHIPPED_YEARS.flatMap((y) => y.days),
      { date: "2026-03-16", kind: "holiday" },
    ]);
    expect(local(addBusinessTime(at("2026-03-13 17:50"), 30 * MIN, OFFICE, typhoon))).toBe(
      "2026-03-17 09:20",
    );
  });

  it("refuses hours that never open instead of looping", () => {
    const closed: ServiceHours = { workdays: OFFICE.holidays, holidays: OFFICE.holidays };
    expect(() => addBusinessTime(at("2026-03-10 10:00"), MIN, closed, cal)).toThrow(/no service hours/);
  });
});
