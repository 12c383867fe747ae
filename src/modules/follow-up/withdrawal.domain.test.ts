import { describe, expect, it } from "vitest";
import { STATUSES } from "../tickets/tickets.domain.ts";
import { type WithdrawalFacts, withdrawalBlockers } from "./withdrawal.domain.ts";

const facts = (patch: Partial<WithdrawalFacts> = {}): WithdrawalFacts => ({
  status: "new",
  severity: "general",
  mergedInto: null,
  remedyUnderWay: false,
  executionUnderWay: false,
  mediationOpen: false,
  ...patch,
});
const codes = (f: WithdrawalFacts) => withdrawalBlockers(f).map((d) => d.code);

describe("when a customer may withdraw a request", () => {
  it("allows it while nothing is under way, and not once the ticket is done or waits on a department", () => {
    const allowed = STATUSES.filter((status) => codes(facts({ status })).length === 0);
    expect(allowed).toEqual([
      "new",
      "in_progress",
      "awaiting_customer",
      "awaiting_merchant",
      "needs_info",
      "reopened",
    ]);
    expect(codes(facts({ status: "resolved" }))).toEqual(["ALREADY_RESOLVED"]);
    for (const status of ["awaiting_execution", "not_applicable", "closed"])
      expect(codes(facts({ status }))).toEqual(["NOT_OPEN"]);
    expect(codes(facts({ mergedInto: "FD20261207000001" }))).toEqual(["NOT_OPEN"]);
  });

  it("never for a food-safety complaint, a remedy decided or executing, or an open mediation; all reasons at once", () => {
    expect(codes(facts({ severity: "serious" }))).toEqual(["FOOD_SAFETY"]);
    expect(codes(facts({ remedyUnderWay: true }))).toEqual(["REMEDY_UNDER_WAY"]);
    expect(codes(facts({ executionUnderWay: true }))).toEqual(["REMEDY_UNDER_WAY"]);
    expect(
      codes(facts({ status: "closed", severity: "serious", remedyUnderWay: true, mediationOpen: true })),
    ).toEqual(["NOT_OPEN", "FOOD_SAFETY", "REMEDY_UNDER_WAY", "MEDIATION_OPEN"]);
  });
});
