import * as grpc from '@grpc/grpc-js';
import type { ServiceHooks } from '../../milvus/service.js';
import { callDeadline } from '../../runtime/call-signal.js';
import type { RestApi } from '../rest/api.js';
import type { ProcessingRequest, ProcessingResponse } from './messages.js';
import { ProtocolError, RequestProcessor } from './processor.js';
import { externalProcessorDefinition } from './proto.js';

type Stream = grpc.ServerDuplexStream<ProcessingRequest, ProcessingResponse>;

/**
 * Runs one Process stream: messages are handled strictly one after another, so responses
 * leave in the order the messages came, one each. Envoy cancelling the stream (its client went
 * away, message_timeout expired) aborts whatever the request started. The stream is ended
 * after an immediate response (Envoy sends nothing more for that request) and when Envoy
 * half-closes, once every response is out.
 */
function serveStream(call: Stream, api: RestApi, hooks: ServiceHooks): void {
  const controller = new AbortController();
  const processor = new RequestProcessor({ api, hooks, signal: controller.signal, deadline: callDeadline(call) });
  let finished = false;
  let queue = Promise.resolve();

  const finish = (end: () => void) => {
    if (finished) return;
    finished = true;
    end();
  };
  call.on('cancelled', () => {
    finished = true;
    controller.abort();
    processor.close('stream cancelled by Envoy');
  });
  const step = async (msg: ProcessingRequest) => {
    if (finished) return;
    try {
      const { response, end } = await processor.next(msg);
      if (finished) return;
      if (response) call.write(response);
      if (end) finish(() => call.end());
    } catch (e) {
      const code = e instanceof ProtocolError ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL;
      processor.close((e as Error).message);
      finish(() => call.emit('error', { code, details: `ext_proc: ${(e as Error).message}` }));
    }
  };
  call.on('data', (msg: ProcessingRequest) => {
    queue = queue.then(() => step(msg));
  });
  call.on('end', () => {
    queue = queue.then(() => {
      processor.close('Envoy closed the stream before the answer');
      finish(() => call.end());
    });
  });
}

/** `envoy.service.ext_proc.v3.ExternalProcessor` over the REST core. */
export function extProcService(
  api: RestApi,
  hooks: ServiceHooks,
): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  return {
    definition: externalProcessorDefinition(),
    implementation: { Process: (call: Stream) => serveStream(call, api, hooks) },
  };
}
