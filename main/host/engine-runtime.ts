/**
 * The engine end of the host protocol (engine-protocol.ts): builds the AppService from the init
 * message, runs every call through the contract's dispatcher, and forwards events and logs. The
 * same code runs in a worker thread (engine-worker.ts) and in Electron's utility process
 * (electron/engine-utility.ts); only the channel differs.
 */
import { AppService } from '../app/app-service.js';
import { defaultModelProvider } from '../app/default-model-provider.js';
import { dispatchRequest } from '../contract/dispatch.js';
import type { Reply } from '../contract/types.js';
import { FieldmarkError, toErrorData, unreachable } from '../util/errors.js';
import type { ClientMessage, EngineInit, EngineMessage, HostRequest, MessageChannelEnd } from './engine-protocol.js';

export function runEngine(channel: MessageChannelEnd<EngineMessage, ClientMessage>, exit: () => void): void {
  let service: AppService | null = null;
  let nextHostSeq = 1;
  const hostWaiting = new Map<number, (reply: Reply<unknown>) => void>();
  const log = (message: string) => channel.post({ type: 'log', message });

  const askHost = async (request: HostRequest): Promise<unknown> => {
    const seq = nextHostSeq++;
    const reply = await new Promise<Reply<unknown>>((resolve) => {
      hostWaiting.set(seq, resolve);
      channel.post({ type: 'host-request', seq, request });
    });
    if (!reply.ok) throw new FieldmarkError(reply.error.kind, reply.error.message);
    return reply.value;
  };

  const start = (init: EngineInit) => {
    const created = new AppService({
      paths: init.paths,
      env: init.env,
      version: init.version,
      transport: init.transport,
      models: defaultModelProvider({ cwd: init.cwd, env: init.env, log }),
      ...(init.canPickFolder
        ? { pickFolder: async () => (await askHost({ action: 'pickFolder' })) as string | null }
        : {}),
      ...(init.canTrashFiles
        ? { trashFiles: async (paths: string[]) => void (await askHost({ action: 'trashFiles', paths })) }
        : {}),
      ...(init.overrides ? { overrides: init.overrides } : {}),
      ...(init.dbPath ? { dbPath: init.dbPath } : {}),
      log,
    });
    created.onEvent((event) => {
      if (event.type !== 'features') return channel.post({ type: 'event', event });
      // A copy of our own, so moving its buffer cannot detach an array the pipeline still holds.
      const vectors = event.batch.vectors.slice();
      channel.post({ type: 'features', imageIds: event.batch.imageIds, dim: event.batch.dim, vectors }, [
        vectors.buffer as ArrayBuffer,
      ]);
    });
    return created;
  };

  const close = async (seq: number) => {
    const closing = service;
    service = null;
    let error = null;
    try {
      await closing?.close();
    } catch (caught) {
      error = toErrorData(caught);
    }
    channel.post({ type: 'closed', seq, error });
    exit();
  };

  channel.onMessage((message) => {
    switch (message.type) {
      case 'init':
        try {
          service = start(message.init);
          channel.post({ type: 'ready' });
        } catch (error) {
          channel.post({ type: 'init-failed', error: toErrorData(error) });
        }
        return;
      case 'call': {
        if (!service) return channel.post({ type: 'reply', seq: message.seq, reply: notRunning() });
        void dispatchRequest(service.handlers, message.method, message.input).then((reply) =>
          channel.post({ type: 'reply', seq: message.seq, reply }),
        );
        return;
      }
      case 'rendition': {
        if (!service) return channel.post({ type: 'rendition-reply', seq: message.seq, reply: notRunning() });
        service.rendition(message.imageId, message.kind).then(
          (rendition) => {
            // A Buffer may be a slice of Node's shared pool: copy it into a buffer of its own to move it.
            const bytes = new Uint8Array(rendition.bytes);
            channel.post(
              {
                type: 'rendition-reply',
                seq: message.seq,
                reply: { ok: true, value: { bytes, contentType: rendition.contentType } },
              },
              [bytes.buffer as ArrayBuffer],
            );
          },
          (error: unknown) =>
            channel.post({
              type: 'rendition-reply',
              seq: message.seq,
              reply: { ok: false, error: toErrorData(error) },
            }),
        );
        return;
      }
      case 'host-reply': {
        const resolve = hostWaiting.get(message.seq);
        hostWaiting.delete(message.seq);
        if (resolve) resolve(message.reply);
        else log(`fieldmark engine: a host reply for unknown request ${message.seq}`);
        return;
      }
      case 'close':
        void close(message.seq);
        return;
      default:
        unreachable(message);
    }
  });
}

function notRunning(): { ok: false; error: { kind: 'Internal'; message: string } } {
  return {
    ok: false,
    error: { kind: 'Internal', message: 'the engine is not running: it was closed or failed to start' },
  };
}
