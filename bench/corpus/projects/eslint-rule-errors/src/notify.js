import { readFile } from 'node:fs/promises';

const RETRIES = 3;

export async function loadTemplate(name) {
  const path = `templates/${name}.txt`;
  const text = await readFile(path, 'utf8');
  return text;
}

export function render(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => {
    if (values[key] == null) {
      console.log(`missing value for ${key}`);
      return '';
    }
    return String(values[key]);
  });
}

export async function send(channel, message) {
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    try {
      return await channel.post(mesage);
    } catch (err) {
      lastError = err;
    }
  }
}
