// The one error record data throws (rdata.ts and the field codecs beside it).

/** Thrown for rdata an operator must fix; the message says what was expected and what was given. */
export class RdataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdataError';
  }
}
