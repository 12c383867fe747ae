import { match } from "../../shared/router.tsx";
import { can, useSession } from "../session.ts";
import { EntryPage } from "./EntryPage.tsx";
import { KnowledgeListPage } from "./KnowledgeListPage.tsx";
import { NewEntryPage } from "./NewEntryPage.tsx";

/** `/console/knowledge` (the list), `/console/knowledge/new` (editors only) and `/console/knowledge/:id`. */
export function KnowledgeRoute({ pathname }: { pathname: string }) {
  const session = useSession();
  if (pathname === "/console/knowledge/new" && can(session, "knowledge.edit")) return <NewEntryPage />;
  const one = match("/console/knowledge/:id", pathname);
  if (one && one.id !== "new") return <EntryPage key={one.id} id={one.id!} />;
  return <KnowledgeListPage refused={pathname === "/console/knowledge/new"} />;
}
