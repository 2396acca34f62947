"""A real MCP client session against Steward: the official Python SDK (PyPI
`mcp`) connects over streamable HTTP (to `steward serve`'s /mcp with a token)
or over stdio (starting `steward mcp`), initializes, lists the tools, and
calls them. Exits non-zero, saying why, when anything is not as it must be.

    client.py http URL TOKEN
    client.py stdio STEWARD_BINARY CATALOG_DIR
"""

import asyncio
import json
import sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

TOOLS = {"search", "describe", "lineage", "sensitive_data", "findings", "ask"}


def fail(why):
    print(f"mcp-check: {why}", file=sys.stderr)
    sys.exit(1)


def payload(result):
    """The JSON a tool answered, or why it failed."""
    if result.is_error:
        fail(f"a tool failed: {result.content}")
    return json.loads(result.content[0].text)


async def session_checks(session):
    info = await session.initialize()
    if info.server_info.name != "steward":
        fail(f"server name {info.server_info.name!r}")
    tools = await session.list_tools()
    names = {t.name for t in tools.tools}
    if names != TOOLS:
        fail(f"tools {sorted(names)}, expected {sorted(TOOLS)}")
    for tool in tools.tools:
        if not (tool.annotations and tool.annotations.read_only_hint):
            fail(f"tool {tool.name} is not marked read-only")

    hits = payload(await session.call_tool("search", {"query": "customer email", "limit": 5}))
    if not hits.get("hits"):
        fail(f"search found nothing: {hits}")
    table = payload(await session.call_tool("describe", {"table": "raw.customers"}))
    columns = [c["name"] for c in table["columns"]]
    if "email" not in columns:
        fail(f"raw.customers without email: {columns}")
    # Profiles reach the assistant masked, as everywhere.
    text = json.dumps(table)
    if "@example." in text or "@gmail." in text:
        fail("an e-mail address in clear in describe's output")
    sensitive = payload(await session.call_tool("sensitive_data", {"label": "EMAIL_ADDRESS"}))
    if not any(c["column"] == "email" for c in sensitive["items"]):
        fail(f"no email column among the sensitive: {sensitive}")
    graph = payload(await session.call_tool("lineage", {"asset": "raw.customers", "direction": "down"}))
    if not graph["edges"]:
        fail(f"no lineage downstream of raw.customers: {graph}")
    # A bad argument is the tool's error, said in words, not a crash.
    wrong = await session.call_tool("lineage", {"asset": "raw.customers", "depth": 99})
    if not wrong.is_error or "depth" not in wrong.content[0].text:
        fail(f"depth 99 was not refused: {wrong}")
    missing = await session.call_tool("describe", {"table": "no.such_table"})
    if not missing.is_error or "not found" not in missing.content[0].text:
        fail(f"an unknown table was not refused: {missing}")
    findings = payload(await session.call_tool("findings", {"severity": "low"}))
    print(
        f"mcp-check: {len(names)} tools, {len(hits['hits'])} hits, {len(columns)} columns, "
        f"{len(sensitive['items'])} email columns, {len(graph['edges'])} edges, "
        f"{len(findings['items'])} findings"
    )


async def over_http(url, token):
    client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with client:
        async with streamable_http_client(url, http_client=client) as (read, write, *_):
            async with ClientSession(read, write) as session:
                await session_checks(session)
    # Without a token the server refuses before any tool runs.
    anonymous = create_mcp_http_client()
    async with anonymous:
        response = await anonymous.post(
            url,
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"Accept": "application/json, text/event-stream"},
        )
        if response.status_code != 401:
            fail(f"an anonymous call got {response.status_code}, not 401")


async def over_stdio(binary, catalog):
    params = StdioServerParameters(command=binary, args=["mcp", "--no-model"], cwd=catalog)
    async with stdio_client(params) as (read, write, *_):
        async with ClientSession(read, write) as session:
            await session_checks(session)


def main():
    mode = sys.argv[1]
    if mode == "http":
        asyncio.run(over_http(sys.argv[2], sys.argv[3]))
    elif mode == "stdio":
        asyncio.run(over_stdio(sys.argv[2], sys.argv[3]))
    else:
        fail(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
