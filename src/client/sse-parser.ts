/** A small Server-Sent Events parser (the WHATWG event-stream format): feed text, get messages. */

export interface SseMessage {
  /** The `event:` field; "message" when absent. */
  event: string;
  data: string;
  /** The `id:` field of this message, when it had one. */
  id: string | undefined;
}

export interface SseParser {
  push(text: string): void;
}

export function createSseParser(onMessage: (m: SseMessage) => void): SseParser {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  let sawCr = false;

  const dispatch = () => {
    if (data.length > 0) onMessage({ event: event === '' ? 'message' : event, data: data.join('\n'), id });
    else if (id !== undefined) onMessage({ event: event === '' ? 'message' : event, data: '', id });
    event = '';
    data = [];
    id = undefined;
  };

  const line = (l: string) => {
    if (l === '') return dispatch();
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon === -1 ? l : l.slice(0, colon);
    let value = colon === -1 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        event = value;
        break;
      case 'data':
        data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) id = value;
        break;
      default:
        break; // retry and unknown fields are ignored
    }
  };

  return {
    push(text: string) {
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c === '\n') {
          if (sawCr && i === start) {
            // the \n of a \r\n pair
            start = i + 1;
            sawCr = false;
            continue;
          }
          line(buffer.slice(start, i));
          start = i + 1;
          sawCr = false;
        } else if (c === '\r') {
          line(buffer.slice(start, i));
          start = i + 1;
          sawCr = true;
        } else {
          sawCr = false;
        }
      }
      buffer = buffer.slice(start);
    },
  };
}
