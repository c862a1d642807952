// Drives the platform's OpenAI-compatible API with the official openai client, changed only in
// base URL and key, and prints what it saw as one JSON object for OpenAiClientTest to check.
import OpenAI from 'openai';

const env = process.env;
const client = new OpenAI({ baseURL: env.BASE_URL, apiKey: env.TOKEN, maxRetries: 0 });
const result = {};

const chat = await client.chat.completions.create({
  model: env.CHAT_MODEL,
  messages: [{ role: 'user', content: 'What is the capital of France?' }],
});
result.chat = { content: chat.choices[0].message.content, model: chat.model, finish: chat.choices[0].finish_reason };

const stream = await client.chat.completions.create({
  model: env.CHAT_MODEL,
  messages: [{ role: 'user', content: 'What is the capital of France?' }],
  stream: true,
});
let streamed = '';
let chunks = 0;
for await (const chunk of stream) {
  chunks += 1;
  streamed += chunk.choices[0]?.delta?.content ?? '';
}
result.stream = { content: streamed, chunks };

const rag = await client.chat.completions.create({
  model: env.RAG_MODEL,
  messages: [{ role: 'user', content: 'How long are nightly backups kept?' }],
});
result.rag = { content: rag.choices[0].message.content, sources: (rag.sources ?? []).length };

const ragStream = await client.chat.completions.create({
  model: env.RAG_MODEL,
  messages: [{ role: 'user', content: 'How long are nightly backups kept?' }],
  stream: true,
});
let ragStreamed = '';
let ragSources = 0;
for await (const chunk of ragStream) {
  ragStreamed += chunk.choices[0]?.delta?.content ?? '';
  ragSources = Math.max(ragSources, (chunk.sources ?? []).length);
}
result.ragStream = { content: ragStreamed, sources: ragSources };

const embeddings = await client.embeddings.create({ model: env.RAG_MODEL, input: ['nightly backups', 'restores'] });
result.embeddings = { count: embeddings.data.length, dimensions: embeddings.data[0].embedding.length };

const models = [];
for await (const model of client.models.list()) {
  models.push(model.id);
}
result.models = models;

async function status(call) {
  try {
    await call();
    return 200;
  } catch (error) {
    return error.status ?? String(error);
  }
}

const anonymous = new OpenAI({ baseURL: env.BASE_URL, apiKey: 'not-a-token', maxRetries: 0 });
result.unauthorized = await status(() => anonymous.chat.completions.create({
  model: env.CHAT_MODEL, messages: [{ role: 'user', content: 'hi' }] }));
result.unknownModel = await status(() => client.chat.completions.create({
  model: 'nosuch/model', messages: [{ role: 'user', content: 'hi' }] }));

const limited = new OpenAI({ baseURL: env.BASE_URL, apiKey: env.LIMITED_TOKEN, maxRetries: 0 });
const statuses = [];
for (let i = 0; i < 5; i += 1) {
  statuses.push(await status(() => limited.chat.completions.create({
    model: env.CHAT_MODEL, messages: [{ role: 'user', content: 'hi' }] })));
}
result.limited = statuses;

console.log(JSON.stringify(result));
