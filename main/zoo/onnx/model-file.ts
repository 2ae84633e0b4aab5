/**
 * Reads a model's own description (ModelProto.metadata_props, field 14) from an ONNX file
 * without parsing the graph: the graph and its weights are skipped by their length.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldmarkError } from '../../util/errors.js';
import { METADATA_KEY, type ModelMetadata } from './model-metadata.js';
import { parseModelMetadata } from './model-metadata-schema.js';
import { decodeFields, decodeString, ProtoDecodeError, scanFileFields } from './protobuf-reader.js';

const MODEL_METADATA_PROPS_FIELD = 14;

/**
 * All metadata_props of the ONNX file at `path`, in file order.
 * @throws FieldmarkError ModelMissing when the file does not exist, ModelInvalid when it is not a protobuf message.
 */
export async function readMetadataProps(path: string): Promise<Record<string, string>> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FieldmarkError('ModelMissing', `model file ${path} does not exist`);
    throw new FieldmarkError('ReadFailed', `could not open model file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const { size } = await file.stat();
    if (size === 0) throw new FieldmarkError('ModelInvalid', `model file ${path} is empty: expected an ONNX model`);
    const fields = await scanFileFields(file, size, new Set([MODEL_METADATA_PROPS_FIELD]));
    const props: Record<string, string> = {};
    for (const entry of fields) {
      let key = '';
      let value = '';
      for (const part of decodeFields(entry.bytes ?? new Uint8Array())) {
        if (part.field === 1 && part.bytes) key = decodeString(part.bytes);
        if (part.field === 2 && part.bytes) value = decodeString(part.bytes);
      }
      props[key] = value;
    }
    return props;
  } catch (error) {
    if (error instanceof FieldmarkError) throw error;
    if (error instanceof ProtoDecodeError || error instanceof TypeError) {
      throw new FieldmarkError('ModelInvalid', `model file ${path} is not a valid ONNX file: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    await file.close();
  }
}

/**
 * The Fieldmark metadata (key `fieldmark`) of the ONNX file at `path`.
 * @throws FieldmarkError ModelMissing when the file does not exist, ModelInvalid when the key is missing or malformed.
 */
export async function readModelMetadata(path: string): Promise<ModelMetadata> {
  const props = await readMetadataProps(path);
  const text = props[METADATA_KEY];
  if (text === undefined) {
    const keys = Object.keys(props);
    throw new FieldmarkError(
      'ModelInvalid',
      `model file ${path} has no "${METADATA_KEY}" metadata: expected a model built or converted by Fieldmark, ` +
        `received metadata keys ${keys.length ? keys.join(', ') : '(none)'}`,
    );
  }
  const parsed = parseModelMetadata(text);
  if (!parsed.ok)
    throw new FieldmarkError(
      'ModelInvalid',
      `model file ${path} has malformed "${METADATA_KEY}" metadata: ${parsed.problem}`,
    );
  return parsed.value;
}

/**
 * The metadata of every model file (*.onnx) directly in `dir`, by file name; none when the folder
 * does not exist. A file that is not a readable model is left out with a warning.
 */
export async function readModelsIn(dir: string): Promise<{ name: string; path: string; metadata: ModelMetadata }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.onnx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: { name: string; path: string; metadata: ModelMetadata }[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    const metadata = await readModelMetadata(path).catch((error: unknown) => {
      process.emitWarning(`skipping ${path} in the model list: ${(error as Error).message}`);
      return null;
    });
    if (metadata) found.push({ name, path, metadata });
  }
  return found;
}
