/** The slice of Express's response the controllers use (the project does not depend on @types/express). */
export interface HttpResponse {
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  json(body: unknown): HttpResponse;
  send(body: unknown): HttpResponse;
  setHeader(name: string, value: string): unknown;
  readonly headersSent: boolean;
}

/** The slice of Express's request the filters and guards read. */
export interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}
