import { match } from "../../shared/router.tsx";
import { IncidentDetailPage } from "./IncidentDetailPage.tsx";
import { IncidentsPage } from "./IncidentsPage.tsx";

/** `/console/incidents` (the board) and `/console/incidents/:id` (one incident). */
export function IncidentsRoute({ pathname }: { pathname: string }) {
  const one = match("/console/incidents/:id", pathname);
  return one ? <IncidentDetailPage key={one.id} id={one.id!} /> : <IncidentsPage />;
}
