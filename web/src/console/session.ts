import { useSyncExternalStore } from "react";
import { type Answer, api, configureApi } from "../api/client.ts";

/**
 * The logged-in person, kept in localStorage so a reload or a second tab stays logged in until the
 * session expires. The server remains the judge: a 401 anywhere ends the session here too.
 */
type Me = Answer<"get", "/api/v1/auth/me">;

export interface Session {
  token: string;
  expiresAt: string;
  username: string;
  displayName: string;
  role: string;
  merchantIds: string[];
  permissions: string[];
}

const KEY = "aftersale.session";
const listeners = new Set<() => void>();
let current: Session | null = read();
let expiredNotice = false;

function read(): Session | null {
  try {
    const s = JSON.parse(window.localStorage.getItem(KEY) ?? "null") as Session | null;
    return s && new Date(s.expiresAt).getTime() > Date.now() ? s : null;
  } catch {
    return null;
  }
}

function set(next: Session | null): void {
  current = next;
  if (next) window.localStorage.setItem(KEY, JSON.stringify(next));
  else window.localStorage.removeItem(KEY);
  configureApi({ token: next?.token ?? null });
  for (const l of listeners) l();
}

configureApi({
  token: current?.token ?? null,
  onUnauthorized: () => {
    expiredNotice = true;
    set(null);
  },
});

// Another tab logged in or out.
window.addEventListener("storage", (e) => {
  if (e.key === KEY) set(read());
});

export async function logIn(username: string, password: string): Promise<void> {
  const login = await api.post("/api/v1/auth/login", { body: { username, password } });
  configureApi({ token: login.token });
  let me: Me;
  try {
    me = await api.get("/api/v1/auth/me");
  } catch (e) {
    configureApi({ token: null });
    throw e;
  }
  expiredNotice = false;
  set({
    token: login.token,
    expiresAt: login.expiresAt,
    username: me.username,
    displayName: login.displayName,
    role: me.role,
    merchantIds: me.merchantIds,
    permissions: me.permissions,
  });
}

export async function logOut(): Promise<void> {
  try {
    await api.post("/api/v1/auth/logout");
  } catch {
    // The session ends here whatever the server says.
  }
  set(null);
}

/** True once after the server refused the stored session, so the login page can say why. */
export function takeExpiredNotice(): boolean {
  const was = expiredNotice;
  expiredNotice = false;
  return was;
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export const useSession = (): Session | null => useSyncExternalStore(subscribe, () => current);

export const can = (session: Session | null, permission: string): boolean =>
  !!session?.permissions.includes(permission);
