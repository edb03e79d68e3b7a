/** The slice of Express's response the controllers use (the project does not depend on @types/express). */
export interface HttpResponse {
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  json(body: unknown): HttpResponse;
  send(body: unknown): HttpResponse;
}
