/** The transport inside Electron: the preload's `window.fieldmark` bridge. */
import type { FieldmarkBridge } from '../../main/contract/bridge.js';
import type { AppEvent } from '../../main/contract/events.js';
import type { RequestInput, RequestMethod, RequestResult } from '../../main/contract/requests.js';
import { RequestError, withTimeout, type Transport } from './transport.js';

export function createIpcTransport(bridge: FieldmarkBridge): Transport {
  return {
    kind: 'electron',
    async call<M extends RequestMethod>(method: M, input: RequestInput<M>): Promise<RequestResult<M>> {
      const reply = await withTimeout(method, bridge.call(method, input));
      if (!reply.ok) throw new RequestError(method, reply.error);
      return reply.value as RequestResult<M>;
    },
    subscribe: (listener: (event: AppEvent) => void) => bridge.onEvent(listener),
    onConnection: (listener) => {
      listener(true);
      return () => undefined;
    },
    pathForFile: (file) => bridge.pathForFile(file),
  };
}
