import type { paths } from "./schema";

/**
 * A small typed fetch over the generated `paths`: the path, its parameters, the body and the answer are
 * all checked against the API's own OpenAPI document. Failures become an ApiError carrying the
 * contract's `code`, the message in the user's language and every field `detail`.
 */
type Method = "get" | "post" | "put" | "delete";
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type PathsFor<M extends Method> = {
  [P in keyof paths]: [Op<P, M>] extends [never] ? never : P;
}[keyof paths];

type Params<O> = O extends { parameters: infer X } ? X : never;
type PathOf<O> = Params<O> extends { path: infer X } ? X : never;
type QueryOf<O> = Params<O> extends { query?: infer X } ? X : never;
type QueryRequired<O> = Params<O> extends { query: unknown } ? true : false;
type BodyOf<O> = O extends { requestBody?: infer RB }
  ? [NonNullable<RB>] extends [never]
    ? never
    : NonNullable<RB> extends { content: { "application/json": infer B } }
      ? B
      : never
  : never;
type Json<R> = R extends { content: { "application/json": infer J } } ? J : never;
type Ok = 200 | 201 | 202 | 204;
export type Success<O> = O extends { responses: infer R }
  ? { [K in keyof R & Ok]: Json<R[K]> }[keyof R & Ok]
  : never;
/** The answer of `M path` when it succeeds: `Answer<"get", "/api/v1/tickets">`. */
export type Answer<M extends Method, P extends PathsFor<M>> = Success<Op<P, M>>;
/** The JSON body `M path` takes. */
export type RequestBody<M extends Method, P extends PathsFor<M>> = BodyOf<Op<P, M>>;
export type QueryParams<M extends Method, P extends PathsFor<M>> = QueryOf<Op<P, M>>;

type Options<O> = { signal?: AbortSignal; headers?: Record<string, string> } & ([PathOf<O>] extends [never]
  ? { path?: undefined }
  : { path: PathOf<O> }) &
  ([QueryOf<O>] extends [never]
    ? { query?: undefined }
    : QueryRequired<O> extends true
      ? { query: QueryOf<O> }
      : { query?: QueryOf<O> }) &
  ([BodyOf<O>] extends [never] ? { body?: undefined } : { body: BodyOf<O> });

type ErrorJson = Json<paths["/api/v1/tickets"]["post"]["responses"][400]>;
export type FieldError = NonNullable<NonNullable<ErrorJson["error"]>["details"]>[number];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
    /** From a 429's Retry-After: how long until asking again makes sense. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  /** The message for one field, if the API named it. */
  field(name: string): string | undefined {
    return this.details.find((d) => d.field === name || d.field?.startsWith(`${name}.`))?.message;
  }
}

const settings = {
  token: null as string | null,
  locale: "zh-CN",
  onUnauthorized: (() => {}) as () => void,
  networkMessage: "网络连接失败，请检查网络后重试",
};

export function configureApi(patch: Partial<typeof settings>): void {
  Object.assign(settings, patch);
}

function urlOf(path: string, params?: Record<string, unknown>, query?: Record<string, unknown>): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params?.[name])));
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== "") search.set(k, String(v));
  }
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

async function call(method: Method, path: string, options: Record<string, unknown> = {}): Promise<unknown> {
  const headers: Record<string, string> = {
    "accept-language": settings.locale,
    ...(settings.token ? { authorization: `Bearer ${settings.token}` } : {}),
    ...(options.headers as Record<string, string> | undefined),
  };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(
      urlOf(
        path,
        options.path as Record<string, unknown> | undefined,
        options.query as Record<string, unknown> | undefined,
      ),
      { method: method.toUpperCase(), headers, body, signal: options.signal as AbortSignal | undefined },
    );
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK", settings.networkMessage);
  }
  if (res.status === 204) return undefined;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page: keep the status, say it in words below.
  }
  if (res.ok) return json;
  const error = (json as ErrorJson | null)?.error;
  // Only the staff session's own 401 ends it: a customer's token (my requests) is another sign-in.
  if (
    res.status === 401 &&
    settings.token &&
    !(options.headers as Record<string, string> | undefined)?.authorization
  )
    settings.onUnauthorized();
  throw new ApiError(
    res.status,
    error?.code ?? `HTTP_${res.status}`,
    error?.message ?? `${settings.networkMessage} (${res.status})`,
    error?.details ?? [],
    Number(res.headers.get("retry-after")) || undefined,
  );
}

function method<M extends Method>(m: M) {
  return <P extends PathsFor<M>>(path: P, ...[options]: OptionalIfEmpty<Options<Op<P, M>>>) =>
    call(m, path as string, options as Record<string, unknown>) as Promise<Success<Op<P, M>>>;
}
/** Options may be left out when nothing in them is required. */
type OptionalIfEmpty<T> = Record<string, never> extends T ? [options?: T] : [options: T];

export const api = {
  get: method("get"),
  post: method("post"),
  put: method("put"),
  delete: method("delete"),
};
