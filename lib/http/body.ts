// Reading a request body for a route handler without trusting its size: a
// declared Content-Length over the limit is refused before a byte is read,
// and an undeclared (chunked) body is cut off as soon as it passes the limit.
// Route handlers check who is asking first, then call this.

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the request body is larger than ${Math.round(limit / (1024 * 1024))} MB`);
  }
}

export async function readBodyCapped(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** A multipart/form-data or urlencoded body read within `limit`, as FormData. */
export async function readFormCapped(request: Request, limit: number): Promise<FormData> {
  const body = await readBodyCapped(request, limit);
  return new Request('http://body.invalid/', {
    method: 'POST',
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
    body: new Uint8Array(body),
  }).formData();
}
