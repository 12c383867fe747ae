import { api } from "../../api/client.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { countQuery, type View } from "./queue-query.ts";

/** How many tickets each view holds, for the counters on the view tabs. */
export function useViewCounts(views: View[]) {
  return useAsync(
    async (signal) => {
      const totals = await Promise.all(
        views.map((v) => api.get("/api/v1/tickets", { query: countQuery(v), signal }).then((r) => r.total)),
      );
      return new Map(views.map((v, i) => [v, totals[i]!]));
    },
    [views.join(",")],
  );
}
