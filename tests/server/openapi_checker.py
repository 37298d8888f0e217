"""Checks a response of authcore-server against the server's own OpenAPI
document: its status must be documented for its route (method and path
template), its Content-Type one of that response's media types, its JSON
body valid against the response's schema (JSON Schema 2020-12, as OpenAPI
3.1 has it, with python3-jsonschema), and the response's required headers
present with valid values.

A request for a path no route serves may only be 404, 405 (a known path,
another method), 307 (a known path with trailing slashes) or one of the
answers the network layer gives before routing (400, 413, 431), each with
an HTTPError body; a CORS preflight (OPTIONS on a known path with
--cors-origin) is 204 with `Access-Control-Allow-Origin` and no body, and
not in the document, as FastAPI's CORSMiddleware leaves preflights out of
its document. HEAD is checked against GET's operation, without a body.
`docs=False` (a server run with --no-docs) makes the routes tagged "docs"
absent."""
import json
import re
from urllib.parse import urlsplit

import jsonschema

UNROUTED = {307, 400, 404, 405, 413, 431}


class OpenApiChecker:
    def __init__(self, document):
        self.document = document
        self.resolver = jsonschema.RefResolver.from_schema(document)
        self.routes = []  # (compiled path template, template, {method: operation})
        for template, methods in document["paths"].items():
            pattern = re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))
            self.routes.append((pattern, template, methods))
        self.checked = 0
        self.seen = set()  # (METHOD, template, status) of every response checked

    def operations(self):
        """(METHOD, template) of every operation in the document."""
        return {(method.upper(), template) for _, template, methods in self.routes for method in methods}

    def _resolve(self, node):
        while "$ref" in node:
            _, node = self.resolver.resolve(node["$ref"])
        return node

    def _validate(self, value, schema):
        jsonschema.Draft202012Validator(schema, resolver=self.resolver).validate(value)

    def _route(self, method, path, docs):
        known_path = False
        for pattern, template, methods in self.routes:
            if not pattern.fullmatch(path):
                continue
            operation_method = "get" if method == "HEAD" else method.lower()
            operation = methods.get(operation_method)
            if operation is not None and not docs and "docs" in operation.get("tags", []):
                continue
            known_path = True
            if operation is not None:
                return template, operation
        return (None, None) if not known_path else ("", None)

    def problems(self, method, target, status, headers, body, docs=True):
        """What is wrong with one response (empty when nothing is).
        `headers` maps names (any case) to values; `body` is bytes or str."""
        method = method.upper()
        headers = {name.lower(): value for name, value in headers.items()}
        text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else body
        path = urlsplit(target).path
        template, operation = self._route(method, path, docs)
        self.checked += 1
        if operation is None:
            return self._unrouted_problems(method, target, status, headers, text, template == "")
        self.seen.add((method, template, status))
        where = f"{method} {template} {status}"
        response = operation["responses"].get(str(status))
        if response is None:
            return [f"{where}: status not documented (documented: {sorted(operation['responses'])})"]
        response = self._resolve(response)
        problems = self._header_problems(where, response, headers)
        content = response.get("content", {})
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if method == "HEAD":
            return problems
        if not content:
            if text:
                problems.append(f"{where}: a body where none is documented: {text[:200]!r}")
            return problems
        if media_type not in content:
            return problems + [f"{where}: Content-Type {media_type!r} not documented ({sorted(content)})"]
        schema = content[media_type].get("schema")
        if schema is None:
            return problems
        try:
            value = json.loads(text) if media_type == "application/json" else text
            self._validate(value, schema)
        except (ValueError, jsonschema.ValidationError) as error:
            problems.append(f"{where}: body does not match {schema}: {error}; body {text[:300]!r}")
        return problems

    def _header_problems(self, where, response, headers):
        problems = []
        for name, header in response.get("headers", {}).items():
            header = self._resolve(header)
            value = headers.get(name.lower())
            if value is None:
                if header.get("required"):
                    problems.append(f"{where}: required header {name} missing")
                continue
            schema = header.get("schema", {})
            try:
                self._validate(int(value) if schema.get("type") == "integer" else value, schema)
            except (ValueError, jsonschema.ValidationError) as error:
                problems.append(f"{where}: header {name}: {value!r} does not match {schema}: {error}")
        return problems

    def _unrouted_problems(self, method, target, status, headers, text, known_path):
        where = f"{method} {target} {status} (no route)"
        self.seen.add((method, None, status))
        if method == "OPTIONS" and status == 204 and known_path:
            return [] if "access-control-allow-origin" in headers and not text else [f"{where}: not a preflight"]
        if status not in UNROUTED or (status == 405 and not known_path):
            return [f"{where}: a path no route serves is answered {sorted(UNROUTED)}"]
        if status == 307:
            return [] if headers.get("location", "").startswith("/") else [f"{where}: no Location"]
        if method == "HEAD":
            return []
        try:
            self._validate(json.loads(text), {"$ref": "#/components/schemas/HTTPError"})
        except (ValueError, jsonschema.ValidationError) as error:
            return [f"{where}: not an HTTPError body: {error}"]
        return []

    def check(self, method, target, status, headers, body, docs=True):
        """Raises AssertionError naming what is wrong."""
        problems = self.problems(method, target, status, headers, body, docs)
        if problems:
            raise AssertionError("; ".join(problems))

    def requests_hook(self, docs=True):
        """A `requests` response hook that checks every response of a
        Session (the OAuth2 client libraries' sessions are Sessions)."""
        def hook(response, *args, **kwargs):
            request = response.request
            self.check(request.method, request.path_url, response.status_code, response.headers,
                       response.content, docs)
        return hook
