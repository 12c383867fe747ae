import { Card, Tabs } from "antd";
import { useLocale } from "../../i18n/locale.tsx";
import { can, useSession } from "../session.ts";
import { DeadLetters } from "./DeadLetters.tsx";
import { TemplateEditor } from "./TemplateEditor.tsx";
import { word } from "./words.ts";

/** `/console/admin/notifications`: notices that could not be sent, and (for admins) the templates. */
export function NotificationsAdminPage() {
  const { locale } = useLocale();
  const session = useSession()!;
  return (
    <Card>
      <Tabs
        items={[
          { key: "dead", label: word("deadLetters", locale), children: <DeadLetters /> },
          ...(can(session, "notifications.templates")
            ? [{ key: "templates", label: word("templates", locale), children: <TemplateEditor /> }]
            : []),
        ]}
      />
    </Card>
  );
}
