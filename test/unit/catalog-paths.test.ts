import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { defaultCatalogPath, fieldmarkDataDir, sanitizeLibraryName } from '../../main/engine/catalog/paths.js';

const hash16 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

test('Linux: catalogs live under $XDG_DATA_HOME/fieldmark/libraries, named basename-hash.sqlite', () => {
  const file = defaultCatalogPath(
    '/home/ann/Photos/Holiday 2024',
    { HOME: '/home/ann', XDG_DATA_HOME: '/data/xdg' },
    'linux',
  );
  assert.equal(file, `/data/xdg/fieldmark/libraries/Holiday_2024-${hash16('/home/ann/Photos/Holiday 2024')}.sqlite`);
});

test('Linux: without XDG_DATA_HOME (or with a relative one) the base is ~/.local/share', () => {
  const expected = `/home/ann/.local/share/fieldmark/libraries/Photos-${hash16('/srv/Photos')}.sqlite`;
  assert.equal(defaultCatalogPath('/srv/Photos', { HOME: '/home/ann' }, 'linux'), expected);
  assert.equal(
    defaultCatalogPath('/srv/Photos', { HOME: '/home/ann', XDG_DATA_HOME: 'relative/dir' }, 'linux'),
    expected,
  );
});

test('macOS uses Application Support, Windows %APPDATA%', () => {
  assert.equal(fieldmarkDataDir({ HOME: '/Users/ann' }, 'darwin'), '/Users/ann/Library/Application Support/Fieldmark');
  const windows = defaultCatalogPath(
    'C:\\Users\\ann\\Pictures',
    { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' },
    'win32',
  );
  assert.equal(
    windows,
    `C:\\Users\\ann\\AppData\\Roaming\\Fieldmark\\libraries\\Pictures-${hash16('C:\\Users\\ann\\Pictures')}.sqlite`,
  );
});

test('FIELDMARK_DATA_DIR overrides the platform base on every platform', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    assert.equal(
      fieldmarkDataDir({ FIELDMARK_DATA_DIR: '/tmp/fm', HOME: '/h', APPDATA: 'X:\\a' }, platform),
      '/tmp/fm',
    );
  }
});

test('two folders with the same name get different catalogs', () => {
  const env = { FIELDMARK_DATA_DIR: '/d' };
  assert.notEqual(defaultCatalogPath('/a/Photos', env, 'linux'), defaultCatalogPath('/b/Photos', env, 'linux'));
});

test('sanitizeLibraryName keeps letters of any script and replaces the rest', () => {
  assert.equal(sanitizeLibraryName('Fotos Ärger/日本'), 'Fotos_Ärger_日本');
  assert.equal(sanitizeLibraryName('..hidden'), 'hidden');
  assert.equal(sanitizeLibraryName(''), 'library');
  assert.equal(sanitizeLibraryName('***'), 'library');
  assert.equal(sanitizeLibraryName('x'.repeat(100)).length, 48);
  // The root folder has an empty basename.
  assert.match(
    defaultCatalogPath('/', { FIELDMARK_DATA_DIR: '/d' }, 'linux'),
    /^\/d\/libraries\/library-[0-9a-f]{16}\.sqlite$/,
  );
});
