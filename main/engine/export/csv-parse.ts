/**
 * A strict RFC 4180 reader that also takes what spreadsheets write: an optional UTF-8 BOM, CRLF,
 * LF or CR line ends, quoted fields with doubled quotes and embedded line breaks, and a missing
 * final line break. Text that is not CSV (binary, an unterminated quote, text after a closing
 * quote) is refused with the line it was found on, so an importer can change nothing.
 */
import { FieldmarkError } from '../../util/errors.js';

export interface CsvRecord {
  /** The 1-based line of the file where the record starts (what a spreadsheet shows as its row). */
  line: number;
  fields: string[];
}

export interface ParsedCsv {
  records: CsvRecord[];
}

function malformed(line: number, why: string): FieldmarkError {
  return new FieldmarkError(
    'InvalidArgument',
    `CSV line ${line}: ${why}; expected RFC 4180 CSV (comma-separated, fields with commas, quotes or line breaks in double quotes)`,
  );
}

/**
 * Parses CSV text into records of fields. Blank lines are skipped.
 * @throws FieldmarkError InvalidArgument for text that is not CSV.
 */
export function parseCsv(input: string): ParsedCsv {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  if (text.includes('\u0000')) throw malformed(1, 'the file holds NUL bytes (a binary file, not text)');
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  // Whether the record had a quoted field: `""` alone on a line is a record, a blank line is not.
  let recordQuoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !recordQuoted)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    recordQuoted = false;
  };
  while (i < n) {
    const c = text[i];
    if (c === '"' && field === '') {
      // A quoted field: runs to the first quote that is not doubled.
      const startLine = line;
      let value = '';
      let closed = false;
      i += 1;
      while (i < n) {
        const q = text.indexOf('"', i);
        if (q === -1) break;
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          closed = true;
          break;
        }
      }
      if (!closed) throw malformed(startLine, 'a quoted field is never closed');
      line += (value.match(/\r\n|\r|\n/g) ?? []).length;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        throw malformed(line, `unexpected ${JSON.stringify(next)} after a closing quote`);
      }
      field = value;
      recordQuoted = true;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      i += 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    if (c === '"')
      throw malformed(line, 'a double quote inside an unquoted field (quote the whole field and double the quote)');
    let j = i;
    while (j < n) {
      const d = text[j];
      if (d === ',' || d === '\r' || d === '\n' || d === '"') break;
      j += 1;
    }
    field += text.slice(i, j);
    i = j;
  }
  if (field !== '' || fields.length > 0 || recordQuoted) endRecord();
  return { records };
}
