import type { UploadFile } from "antd";
import type { RequestBody } from "../api/client.ts";
import { uploadedIds } from "./EvidenceUpload.tsx";

export type IntakeBody = RequestBody<"post", "/api/v1/tickets">;
type Channel = IntakeBody["channel"];

/** The form's fields as antd's Form holds them. */
export interface FormValues {
  phone?: string;
  orderNo?: string;
  name?: string;
  category?: string;
  subType?: string;
  expectedResolution?: IntakeBody["expectedResolution"] | "";
  description?: string;
  occurredAt?: string;
  urgent?: boolean;
  foreignObject?: { colour?: string; shape?: string; size?: string };
}

const SELF_SERVICE: Channel[] = ["app", "web", "wechat"];

/** The app and the WeChat menu link here with `?channel=app|wechat`; a bare link is the web form. */
export function channelFromUrl(search: URLSearchParams): Channel {
  const asked = search.get("channel") as Channel | null;
  return asked && SELF_SERVICE.includes(asked) ? asked : "web";
}

const text = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/**
 * Only what the customer filled in is sent: the API judges everything else, and answers every problem
 * at once in `details`, which the form shows next to each field.
 */
export function intakeBody(values: FormValues, channel: Channel, files: UploadFile[]): IntakeBody {
  const fo = values.foreignObject;
  const described = fo && (text(fo.colour) || text(fo.shape) || text(fo.size));
  const ids = uploadedIds(files);
  return {
    channel,
    phone: values.phone?.trim() ?? "",
    orderNo: values.orderNo?.trim() ?? "",
    description: values.description ?? "",
    ...(text(values.name) ? { name: text(values.name) } : {}),
    ...(values.category ? { category: values.category } : {}),
    ...(values.category && values.subType ? { subType: values.subType } : {}),
    ...(values.expectedResolution ? { expectedResolution: values.expectedResolution } : {}),
    ...(values.occurredAt ? { occurredAt: new Date(values.occurredAt).toISOString() } : {}),
    ...(values.urgent ? { urgent: true } : {}),
    ...(ids.length ? { attachmentIds: ids } : {}),
    ...(described
      ? {
          foreignObject: {
            colour: fo.colour?.trim() ?? "",
            shape: fo.shape?.trim() ?? "",
            size: fo.size?.trim() ?? "",
          },
        }
      : {}),
  };
}

/** Where an API `details[].field` shows in the form. */
export function formFieldOf(apiField: string): (string | number)[] | null {
  if (apiField.startsWith("foreignObject.")) return ["foreignObject", apiField.split(".")[1]!];
  const known: Record<string, (string | number)[]> = {
    phone: ["phone"],
    orderNo: ["orderNo"],
    businessLine: ["orderNo"],
    name: ["name"],
    category: ["category"],
    subType: ["subType"],
    expectedResolution: ["expectedResolution"],
    description: ["description"],
    occurredAt: ["occurredAt"],
    urgent: ["urgent"],
    attachmentIds: ["attachments"],
    foreignObject: ["foreignObject", "colour"],
  };
  return known[apiField] ?? null;
}

/** A key per filled-in form, so a retried submission after a lost answer cannot file twice. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
