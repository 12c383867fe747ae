import { Type as T } from "typebox";

/** The fields the ticket detail gains from this module: what an agent should know before answering. */
export const AbuseFactsProps = {
  abuseScore: T.Union([
    T.Object({
      score: T.Integer({
        minimum: 0,
        maximum: 100,
        description: "malicious-complaint score; never a refusal",
      }),
      reasons: T.Array(T.Object({ code: T.String(), points: T.Integer(), zh: T.String(), en: T.String() })),
      computedAt: T.String(),
    }),
    T.Null(),
  ]),
  blacklisted: T.Union([T.Object({ id: T.String(), reason: T.String(), expiresAt: T.String() }), T.Null()]),
  batchSuspended: T.Union([
    T.Object({
      incidentIds: T.Array(T.String()),
      items: T.Array(
        T.Object({
          incidentId: T.String(),
          kind: T.Union([T.Literal("batch"), T.Literal("merchant")]),
          subject: T.String({ description: "the suspended batch number or merchant id" }),
          since: T.String(),
        }),
      ),
    }),
    T.Null(),
  ]),
};
