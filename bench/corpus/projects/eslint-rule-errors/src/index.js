import { render, send } from './notify.js';

export function notifyAll(channels, template, values) {
  const message = render(template, values);
  return Promise.all(channels.map((c) => send(c, message)));
}
