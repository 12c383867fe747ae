import { api } from "../../api/client.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { countQuery, type View } from "./queue-query.ts";

/** A view's count; `exact` is false when the server stopped counting at its cap (then "more than total"). */
export interface ViewCount {
  total: number;
  exact: boolean;
}

/** "1000+" past the server's cap, the number below it; 0 while unknown. */
export const countLabel = (c: ViewCount | undefined): number | string =>
  c === undefined ? 0 : c.exact ? c.total : `${c.total}+`;

/** How many tickets each view holds, for the counters on the view tabs. */
export function useViewCounts(views: View[]) {
  return useAsync(
    async (signal) => {
      const totals = await Promise.all(
        views.map((v) =>
          api
            .get("/api/v1/tickets", { query: countQuery(v), signal })
            .then((r): ViewCount => ({ total: r.total, exact: r.totalExact })),
        ),
      );
      return new Map(views.map((v, i) => [v, totals[i]!]));
    },
    [views.join(",")],
  );
}
