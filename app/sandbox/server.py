"""The sandbox's aiohttp application: platform routes behind auth, rate limits and injected faults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from app.domain import Provider
from app.paths import resources_dir
from app.sandbox import monitor, recordings, routes_hms, routes_saved, routes_vapi, routes_voicebot
from app.sandbox.access import logged, monitor_auth
from app.sandbox.clock import SandboxClock
from app.sandbox.faults import FaultPlan, FaultSpec
from app.sandbox.scenarios import load_scenarios
from app.sandbox.speech import SpeechBank
from app.sandbox.state import STATE, Access, Handler, SandboxState
from app.sandbox.wire import (
    BASE_PATHS,
    UNAUTHORIZED,
    PlatformError,
    error_response,
    json_body,
    platform_of,
    presented_key,
)
from app.sandbox.world import TrafficSettings, World

API_PREFIXES = ("/vapi/", "/hms/", "/voicebot/")


def _is_api(request: web.Request) -> bool:
    return request.path.startswith(API_PREFIXES)


def _is_control(request: web.Request) -> bool:
    return request.method == "POST" and request.path.endswith("/control")


def _nothing_done(request: web.Request, status: int) -> bool:
    """Vapi documents "503 = nothing done" for its newer (realtime) call kinds only: every other failed
    command may have been carried out."""
    if status != 503 or not request.path.startswith("/vapi-monitor/"):
        return False
    call = request.app[STATE].world.find(Provider.VAPI, request.match_info.get("id", ""))
    return call is not None and call.realtime


@web.middleware
async def faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost: what a flaky network and an overloaded platform do to a client."""
    if not (_is_api(request) or _is_control(request)):
        return await handler(request)
    state, platform = request.app[STATE], platform_of(request.path)
    plan = state.faults
    if plan.spec.latency:
        await asyncio.sleep(plan.spec.latency)
    if plan.throttled(state.wall()):
        return error_response(platform, 429, "Too many requests, slow down", headers={"Retry-After": "1"})
    if plan.fails():
        status = plan.failure_status()
        if _is_control(request) and not _nothing_done(request, status) and plan.carried_out():
            await handler(request)  # the command happened, but the client cannot know: outcome unknown
        return error_response(platform, status, "Simulated platform failure")
    response = await handler(request)
    if plan.mangles() and isinstance(response, web.Response) and response.content_type == "application/json":
        response.body = plan.mangle(response.body)  # type: ignore[arg-type]
    return response


@web.middleware
async def shaped_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refusals, and unknown paths and methods under a platform, answer in that platform's error shape."""
    try:
        return await handler(request)
    except PlatformError as error:
        return error_response(platform_of(request.path), error.status, error.message, headers=error.headers)
    except web.HTTPException as error:
        if not _is_api(request) or error.status < 400:
            raise
        return error_response(platform_of(request.path), error.status, error.reason)


@web.middleware
async def auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not _is_api(request):
        return await handler(request)
    platform = platform_of(request.path)
    if presented_key(request, platform) != request.app[STATE].api_key:
        return error_response(platform, 401, UNAUTHORIZED[platform])
    return await handler(request)


@web.middleware
async def hms_rate_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """HMS: 100 requests a minute per key, reported on every answer."""
    if not request.path.startswith("/hms/"):
        return await handler(request)
    state = request.app[STATE]
    now = state.wall()
    allowed, remaining, reset = state.hms_requests.hit(presented_key(request, "hms") or "", now)
    headers = {"X-RateLimit-Limit": str(state.hms_requests.limit), "X-RateLimit-Remaining": str(remaining),
               "X-RateLimit-Reset": str(reset)}
    if not allowed:
        headers["Retry-After"] = str(max(1, int(reset - now)))
        return error_response("hms", 429, "Rate limit exceeded: 100 requests per minute", headers=headers)
    response = await handler(request)
    response.headers.update(headers)
    return response


async def index(request: web.Request) -> web.Response:
    """For a person who opens the server in a browser: where each platform is."""
    world = request.app[STATE].world
    urls = {name: f"{request.scheme}://{request.host}{path}" for name, path in BASE_PATHS.items()}
    links = request.app[STATE].links(request)
    return json_body({"sandbox": "Switchboard", "baseUrls": urls, "monitorOrigins": list(links.monitor),
                      "storageOrigin": links.storage, "scenarios": sorted(world.scenarios)})


def build_state(*, api_key: str, traffic: TrafficSettings, faults_spec: str | None, access: Access | None = None) -> SandboxState:
    """Raises ValueError for a bad fault spec."""
    spec = FaultSpec.parse(faults_spec)
    world = World(traffic, load_scenarios(resources_dir() / "scenarios"), SpeechBank(resources_dir() / "audio"),
                  SandboxClock(traffic.speed))
    world.build_history()
    return SandboxState(world=world, api_key=api_key, faults=FaultPlan(spec, traffic.seed), access=access or Access())


def build_apps(state: SandboxState) -> dict[str, web.Application]:
    """One application per origin: the platforms' APIs, Vapi's monitor URLs, and the recording files."""
    # shaped_errors innermost: the rate-limit headers and the faults' 502 replay see refusals as responses
    apps = {
        "api": web.Application(middlewares=[logged("api"), faults, hms_rate_limit, auth, shaped_errors]),
        "monitor": web.Application(middlewares=[logged("monitor"), faults, monitor_auth, shaped_errors]),
        "storage": web.Application(middlewares=[logged("storage")]),
    }
    for app in apps.values():
        app[STATE] = state
    for module in (routes_vapi, routes_saved, routes_hms, routes_voicebot):
        module.add_routes(apps["api"])
    apps["api"].router.add_get("/", index)
    monitor.add_routes(apps["monitor"])
    recordings.add_routes(apps["storage"])

    async def traffic(app: web.Application) -> AsyncIterator[None]:
        state.world.start()
        yield
        state.world.stop()

    apps["api"].cleanup_ctx.append(traffic)
    return apps


class SandboxServer:
    """Runs the three sites on a loop; `start` returns once every socket listens.

    `port` is the API's; the monitor and storage sites take `monitor_port` / `storage_port` (0 = any free one),
    so the console meets what real accounts have: monitor and recording URLs on other hosts than the API.
    The monitor site listens on a second (free) port too: Vapi's monitor host changes from call to call.
    """

    def __init__(self, state: SandboxState, host: str, port: int, monitor_port: int = 0, storage_port: int = 0) -> None:
        self.state = state
        self.host = host
        self.port = port
        self._wanted = {"api": (port,), "monitor": (monitor_port, 0), "storage": (storage_port,)}
        self._runners: list[web.AppRunner] = []

    async def start(self) -> None:
        try:
            for site, app in build_apps(self.state).items():
                runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
                self._runners.append(runner)
                await runner.setup()
                for port in self._wanted[site]:
                    await web.TCPSite(runner, self.host, port).start()
                # the ports the system chose when asked for 0
                self.state.ports[site] = tuple(address[1] for address in runner.addresses)
        except BaseException:
            await self.stop()
            raise
        self.port = self.state.ports["api"][0]
        if self.state.webhooks is not None:
            api_host = f"{self.host}:{self.port}"
            await self.state.webhooks.start(lambda: self.state.links_on("http", self.host, api_host))

    def origins(self, site: str) -> tuple[str, ...]:
        """http://host:port of each socket of a site (api, monitor, storage)."""
        return tuple(f"http://{self.host}:{port}" for port in self.state.ports[site])

    async def stop(self) -> None:
        if self.state.webhooks is not None:
            await self.state.webhooks.stop()
        # The monitor first: its listeners get a goodbye before the traffic (on the API site) stops.
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners = []
