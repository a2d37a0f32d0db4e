// The openai npm package's clients, configured with nothing but the gateway's URL and a key.
// Usage: node clients.mjs <gateway base URL> <alias> <gateway key>. Prints one JSON object with what each call got back.
import OpenAI, { AzureOpenAI } from 'openai';

const [base, alias, key] = process.argv.slice(2);
const result = {};

const azure = new AzureOpenAI({ endpoint: `${base}/api`, apiKey: key, apiVersion: '2024-10-21' });
const chat = await azure.chat.completions.create({ model: alias, messages: [{ role: 'user', content: 'Say hello' }] });
result.azureChat = chat.choices[0].message.content;
result.azureChatUsage = chat.usage.total_tokens;

let streamed = '';
const chatStream = await azure.chat.completions.create({ model: alias, messages: [{ role: 'user', content: 'Say hello' }], stream: true });
for await (const chunk of chatStream) {
  streamed += chunk.choices[0]?.delta?.content ?? '';
}
result.azureChatStream = streamed;

const embedding = await azure.embeddings.create({ model: alias, input: 'hello', encoding_format: 'float' });
result.azureEmbedding = embedding.data[0].embedding.length;

const openai = new OpenAI({ baseURL: `${base}/api/v1`, apiKey: key });
const openaiChat = await openai.chat.completions.create({ model: alias, messages: [{ role: 'user', content: 'Say hello' }] });
result.openaiChat = openaiChat.choices[0].message.content;

const response = await openai.responses.create({ model: alias, input: 'Say hello' });
result.response = response.output_text;
result.responseUsage = response.usage.total_tokens;

let deltas = '';
let completed = null;
const responseStream = await openai.responses.create({ model: alias, input: 'Say hello', stream: true });
for await (const event of responseStream) {
  if (event.type === 'response.output_text.delta') deltas += event.delta;
  if (event.type === 'response.completed') completed = event.response;
}
result.responseStream = deltas;
result.responseStreamUsage = completed?.usage?.output_tokens ?? null;

const followUp = await openai.responses.create({ model: alias, input: 'Again', previous_response_id: response.id });
result.followUp = followUp.output_text;

// AzureOpenAI calls <endpoint>/openai/responses?api-version=…; its follow-ups go where the first response lives.
const azureResponse = await azure.responses.create({ model: alias, input: 'Say hello' });
result.azureResponse = azureResponse.output_text;
const azureFollowUp = await azure.responses.create({ model: alias, input: 'Again', previous_response_id: azureResponse.id });
result.azureFollowUp = azureFollowUp.output_text;
const retrieved = await azure.responses.retrieve(azureResponse.id);
result.azureRetrieved = retrieved.id === azureResponse.id;

try {
  await openai.responses.create({ model: 'no-such-alias', input: 'hi' });
  result.unknown = 'no error';
} catch (error) {
  result.unknown = `${error.status} ${error.code}`;
}

try {
  const stranger = new OpenAI({ baseURL: `${base}/api/v1`, apiKey: 'frk_' + 'A'.repeat(43), maxRetries: 0 });
  await stranger.chat.completions.create({ model: alias, messages: [{ role: 'user', content: 'hi' }] });
  result.unknownKey = 'no error';
} catch (error) {
  result.unknownKey = `${error.status} ${error.code}`;
}

console.log(JSON.stringify(result));
