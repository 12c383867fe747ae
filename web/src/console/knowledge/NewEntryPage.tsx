import { App as AntApp, Card } from "antd";
import { api } from "../../api/client.ts";
import { navigate } from "../../shared/router.tsx";
import { EntryForm, type EntryValues, entryBody } from "./EntryForm.tsx";
import { useKbWords } from "./words.ts";

const BLANK: EntryValues = {
  id: "",
  kind: "faq",
  businessLines: ["*"],
  title: "",
  body: "",
  intent: "",
  variants: "",
  tags: [],
  status: "published",
  note: "",
};

/** A new entry (editors only): searchable as soon as it is created. */
export function NewEntryPage() {
  const w = useKbWords();
  const { message } = AntApp.useApp();
  const create = async (v: EntryValues) => {
    const created = await api.post("/api/v1/knowledge/entries", {
      body: { ...entryBody(v), kind: v.kind, id: v.id?.trim() || undefined },
    });
    message.success(w("created"));
    navigate(`/console/knowledge/${created.id}`);
  };
  return (
    <Card title={w("create")}>
      <EntryForm initial={BLANK} isNew onSubmit={create} onCancel={() => navigate("/console/knowledge")} />
    </Card>
  );
}
