import { App, Button, Space } from "antd";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { ActionModal } from "../workspace/ActionModal.tsx";
import { AssigneeField } from "../workspace/AssigneeField.tsx";

/**
 * The queue's hand-over: the selected tickets to one agent, as a supervisor moves an absent agent's work.
 * Tickets closed or merged meanwhile are not assigned; the warning names each with its reason.
 */
export function BulkAssign({ selected, onDone }: { selected: string[]; onDone(): void }) {
  const { t } = useLocale();
  const { message, modal } = App.useApp();
  const [open, setOpen] = useState(false);
  return (
    <Space style={{ marginBottom: 12 }}>
      <span data-testid="selected-count">{t("selectedTickets", { count: selected.length })}</span>
      <Button disabled={!selected.length} onClick={() => setOpen(true)}>
        {t("bulkAssign")}
      </Button>
      <ActionModal<{ username: string }>
        title={t("bulkAssignTitle", { count: selected.length })}
        open={open}
        onClose={() => setOpen(false)}
        fields={["username"]}
        onSubmit={async (v) => {
          const r = await api.post("/api/v1/tickets/bulk/assign", {
            body: { ticketNos: selected, username: v.username },
          });
          if (r.failed)
            modal.warning({
              title: t("bulkAssignPartial", { assigned: r.assigned, failed: r.failed }),
              content: (
                <ul data-testid="bulk-failures">
                  {r.results
                    .filter((x) => !x.ok)
                    .map((x) => (
                      <li key={x.ticketNo}>
                        {x.ticketNo}: {x.error?.message}
                      </li>
                    ))}
                </ul>
              ),
            });
          else message.success(t("bulkAssigned", { count: r.assigned }));
          onDone();
        }}
      >
        {() => <AssigneeField />}
      </ActionModal>
    </Space>
  );
}
