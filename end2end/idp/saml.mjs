// A real SAML 2.0 identity provider for the tests: `samlify` (npm) listening
// on 127.0.0.1:PORT, named HOST in its URLs (127.0.0.1; a browser test names
// it localhost, the same site as Orgspace's localhost, whose cookie then
// follows the answer posted back), signing with the test key in saml-keys/
// (RSA-SHA256, the assertion signed as the service provider's metadata asks).
//
//   node saml.mjs PORT [HOST]
//
//   GET  /metadata   the IdP's metadata (entity id, SSO URL, signing certificate)
//   GET  /sso        the HTTP-Redirect binding: reads the AuthnRequest and shows
//                    a sign-in form (an email; any password)
//   POST /login      answers the request with a signed Response, posted by the
//                    browser to the service provider's ACS (HTTP-POST binding)
//
// The service provider is found from the request's Issuer: a service
// provider's entity id is its metadata URL (Orgspace's is), read at each
// request and only from loopback. The form's "mode" makes a bad answer for
// the rejection tests: "impostor" signs with another key, "wrong-audience"
// names another service provider, "expired" answers with an assertion whose
// time has passed.
// Prints "ready" once it listens.

import samlify from 'samlify';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';

const [port, host = '127.0.0.1'] = process.argv.slice(2);
const base = `http://${host}:${port}`;
const keys = new URL('./saml-keys/', import.meta.url);
const read = (name) => readFileSync(new URL(name, keys), 'utf8');

// The IdP's side of the request is parsed by samlify; checking it against the
// SAML schema needs a validator (a Java or libxml one) the tests do without.
samlify.setSchemaValidator({ validate: async () => 'skipped' });

const identityProvider = (key) => samlify.IdentityProvider({
  entityID: `${base}/metadata`,
  privateKey: read(`${key}-key.pem`),
  signingCert: read(`${key}-cert.pem`),
  nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
  singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: `${base}/sso` }],
});
const idp = identityProvider('idp');
const impostor = identityProvider('impostor');

const isLoopback = (url) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

/** The service provider that sent `samlRequest` (deflated, base64). */
async function serviceProviderOf(samlRequest) {
  const xml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
  const issuer = /<(?:\w+:)?Issuer[^>]*>([^<]+)</.exec(xml)?.[1];
  if (!issuer || !isLoopback(issuer)) throw new Error(`unknown service provider ${issuer}`);
  // Node may try ::1 for localhost, where Orgspace (on 127.0.0.1) is not.
  const answer = await fetch(issuer.replace('//localhost:', '//127.0.0.1:'));
  if (!answer.ok) throw new Error(`the service provider's metadata: HTTP ${answer.status}`);
  return samlify.ServiceProvider({ metadata: await answer.text() });
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

/** The Response to `request` for `email`, as `mode` asks. */
async function respond(sp, request, email, mode) {
  const issuer = mode === 'impostor' ? impostor : idp;
  const now = new Date();
  const at = (minutes) => new Date(now.getTime() + minutes * 60_000).toISOString();
  const expired = mode === 'expired';
  const acs = sp.entityMeta.getAssertionConsumerService('post');
  const values = {
    ID: `_${randomUUID()}`,
    AssertionID: `_${randomUUID()}`,
    Destination: acs,
    Audience: mode === 'wrong-audience' ? 'https://another-service.example/metadata' : sp.entityMeta.getEntityID(),
    EntityID: sp.entityMeta.getEntityID(),
    SubjectRecipient: acs,
    Issuer: idp.entityMeta.getEntityID(),
    IssueInstant: expired ? at(-15) : at(0),
    AssertionConsumerServiceURL: acs,
    StatusCode: samlify.Constants.StatusCode.Success,
    ConditionsNotBefore: expired ? at(-15) : at(-1),
    ConditionsNotOnOrAfter: expired ? at(-10) : at(5),
    SubjectConfirmationDataNotOnOrAfter: expired ? at(-10) : at(5),
    NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    NameID: email,
    InResponseTo: request.id,
    AuthnStatement: '',
    AttributeStatement: '',
  };
  const { context } = await issuer.createLoginResponse(
    sp,
    { extract: { request } },
    'post',
    { email },
    (template) => ({ id: values.ID, context: samlify.SamlLib.replaceTagsByValue(template, values) }),
  );
  return { acs, samlResponse: context };
}

async function handle(req, res) {
  const url = new URL(req.url, base);
  if (req.method === 'GET' && url.pathname === '/metadata') {
    res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
    return res.end(idp.getMetadata());
  }
  if (req.method === 'GET' && url.pathname === '/sso') {
    const samlRequest = url.searchParams.get('SAMLRequest') ?? '';
    const relayState = url.searchParams.get('RelayState') ?? '';
    const sp = await serviceProviderOf(samlRequest);
    const { extract } = await idp.parseLoginRequest(sp, 'redirect', { query: Object.fromEntries(url.searchParams) });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(page('Sign in to the test identity provider', `
<p>${escape(extract.issuer)} asks who you are.</p>
<form method="post" action="/login">
  <input type="hidden" name="SAMLRequest" value="${escape(samlRequest)}">
  <input type="hidden" name="RelayState" value="${escape(relayState)}">
  <p><label>Email <input name="email" type="email" required autocomplete="username"></label></p>
  <p><label>Password <input name="password" type="password" autocomplete="current-password"></label></p>
  <p><label>Answer <select name="mode"><option>valid</option><option>impostor</option>
    <option>wrong-audience</option><option>expired</option></select></label></p>
  <p><button type="submit">Sign in</button></p>
</form>`));
  }
  if (req.method === 'POST' && url.pathname === '/login') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const samlRequest = form.get('SAMLRequest') ?? '';
    const sp = await serviceProviderOf(samlRequest);
    const { extract } = await idp.parseLoginRequest(sp, 'redirect', { query: { SAMLRequest: samlRequest } });
    const { acs, samlResponse } = await respond(sp, extract.request, form.get('email') ?? '', form.get('mode') ?? 'valid');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(page('Returning to the service', `
<form id="answer" method="post" action="${escape(acs)}">
  <input type="hidden" name="SAMLResponse" value="${escape(samlResponse)}">
  <input type="hidden" name="RelayState" value="${escape(form.get('RelayState') ?? '')}">
  <noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.getElementById('answer').submit();</script>`));
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

createServer((req, res) => {
  handle(req, res).catch((error) => {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`the identity provider refused the request: ${error.message}`);
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
