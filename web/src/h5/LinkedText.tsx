import type { ReactNode } from "react";

/** One of our own pages named in a message (a survey, the progress page): its address and its path. */
const OWN_PAGE = /(https?:\/\/[^\s/]+)(\/h5\/[^\s，。；、）)"“”]+)/g;

/**
 * A message's text with the links to our own H5 pages made tappable. They open by path, on the address
 * the customer is on (the message carries the configured public address, which a proxy may rename);
 * any other address stays plain text, so a message never links a customer away from us.
 */
export function LinkedText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(OWN_PAGE)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    parts.push(
      <a key={at} href={m[2]}>
        {m[0]}
      </a>,
    );
    last = at + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
