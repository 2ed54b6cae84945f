import { createHash, createHmac } from 'node:crypto';

/** Credentials as the SDK's providers hand them out. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** A request without a body, to be signed. */
export interface UnsignedGet {
  readonly host: string;
  /** The path as sent (each segment already URI-encoded). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** RFC 3986 encoding, as SigV4 wants it. */
function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The query string in SigV4's canonical form (sorted, RFC 3986), which is also a valid one to send. */
export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  const keys = Object.keys(query);
  if (keys.length === 0) return '';
  return keys
    .sort()
    .map((k) => `${uriEscape(k)}=${uriEscape(query[k]!)}`)
    .join('&');
}

/**
 * AWS Signature Version 4 for a GET without a body, for services other than S3 (the canonical path is the
 * sent path encoded once more). Signing keys are kept per day, region, service and secret. It exists for
 * the direct read path, where the SDK's general signer costs about 60 µs a call against 10 µs here; a test
 * checks its headers against the SDK's signer.
 */
export class GetSigner {
  private keyScope = '';
  private key: Buffer = Buffer.alloc(0);

  /**
   * `contentHashHeader`: send and sign x-amz-content-sha256, as the SDK does for every service (AWS's test
   * suite leaves it out).
   */
  constructor(
    private readonly region: string,
    private readonly service: string,
    private readonly contentHashHeader = true,
  ) {}

  /** The headers to send: host, x-amz-date, the content hash, the session token if any, and authorization. */
  sign(request: UnsignedGet, credentials: SigningCredentials, now: Date): Record<string, string> {
    const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const headers: Record<string, string> = { host: request.host, 'x-amz-date': amzDate };
    if (this.contentHashHeader) headers['x-amz-content-sha256'] = EMPTY_SHA256;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
    const signedHeaders = names.join(';');
    const canonicalPath = request.path
      .split('/')
      .map((segment) => uriEscape(segment))
      .join('/');
    const canonicalRequest = `GET\n${canonicalPath}\n${canonicalQuery(request.query)}\n${canonicalHeaders}\n${signedHeaders}\n${EMPTY_SHA256}`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', this.signingKey(day, credentials.secretAccessKey))
      .update(stringToSign)
      .digest('hex');
    headers['authorization'] =
      `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
      `SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  private signingKey(day: string, secret: string): Buffer {
    const scope = `${day}\u0000${secret}`;
    if (scope !== this.keyScope) {
      let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(day).digest();
      for (const part of [this.region, this.service, 'aws4_request'])
        key = createHmac('sha256', key).update(part).digest();
      this.key = key;
      this.keyScope = scope;
    }
    return this.key;
  }
}
