export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ received: event }) });
