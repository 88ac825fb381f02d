"""A dashboard's query mix against a local serving-api, over the seeded benchmark history.

Run by locust/run.sh (see docs/benchmarks.md). Environment: PULSE_TOKEN, a bearer token of tenant
`bench` (the seeded tenant); PULSE_LOCUST_WAIT, seconds a viewer waits between panel loads as "min,max"
(default "1,5", a viewer looking at a refreshing dashboard; "0,0" turns the mix into a stress test).
Dashboards ask for aligned ranges (a panel refreshes per step), so repeated panels hit the Redis cache as
they would in use.
"""
import json
import os
import random
import time
from datetime import datetime, timezone

from locust import HttpUser, between, task

METRICS = ["checkout.latency_ms", "api.latency_ms", "search.latency_ms", "login.latency_ms",
           "cart.latency_ms", "payment.latency_ms", "render.latency_ms", "db.latency_ms",
           "cache.latency_ms", "queue.latency_ms"]
REGIONS = ["eu", "us", "ap", "sa", "af"]


def iso(epoch_s):
    return datetime.fromtimestamp(epoch_s, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def window(seconds, align):
    """[now - seconds, now) with both ends aligned down to `align` seconds."""
    end = int(time.time()) // align * align
    return iso(end - seconds), iso(end)


WAIT = [float(x) for x in os.environ.get("PULSE_LOCUST_WAIT", "1,5").split(",")]


class DashboardViewer(HttpUser):
    wait_time = between(WAIT[0], WAIT[1])

    def on_start(self):
        self.client.headers["Authorization"] = "Bearer " + os.environ["PULSE_TOKEN"]

    @task(4)
    def live_panel_last_hour_by_region(self):
        start, end = window(3600, 10)
        self.client.get(f"/v2/metrics/{random.choice(METRICS)}/series",
                        params={"from": start, "to": end, "step": "10s", "aggregate": "p95", "groupBy": "region"},
                        name="v2 series 1h/10s p95 by region")

    @task(3)
    def last_six_hours_one_region(self):
        start, end = window(6 * 3600, 60)
        self.client.get(f"/v1/metrics/{random.choice(METRICS)}/series",
                        params={"from": start, "to": end, "step": "1m", "aggregate": "mean",
                                "filter": f"region:eq:{random.choice(REGIONS)}"},
                        name="v1 series 6h/1m mean, one region")

    @task(2)
    def week_by_service_top10(self):
        start, end = window(7 * 86400, 3600)
        self.client.get(f"/v2/metrics/{random.choice(METRICS)}/series",
                        params={"from": start, "to": end, "aggregate": "p99", "groupBy": "service", "limit": 10},
                        name="v2 series 7d/1h p99 top-10 services")

    @task(1)
    def month_total(self):
        start, end = window(30 * 86400, 3600)
        self.client.get(f"/v2/metrics/{random.choice(METRICS)}/series",
                        params={"from": start, "to": end, "aggregate": "count"},
                        name="v2 series 30d/1h count")

    @task(1)
    def catalog(self):
        self.client.get("/v2/metrics", name="v2 metric catalog")

    @task(1)
    def correlation(self):
        start, end = window(86400, 3600)
        self.client.get("/v2/heatmaps/correlation",
                        params={"metrics": ",".join(sorted(random.sample(METRICS, 3))), "from": start, "to": end},
                        name="v2 correlation 3 metrics 24h")

    @task(2)
    def graphql_panel(self):
        start, end = window(3600, 60)
        query = ("query($m: String!, $f: String!, $t: String!) { series(metric: $m, from: $f, to: $t, step: \"1m\","
                 " aggregate: \"p99\", groupBy: [\"region\"]) { series { group { value } points { time value } } } }")
        with self.client.post("/graphql", name="graphql series 1h/1m p99 by region", catch_response=True,
                              data=json.dumps({"query": query,
                                               "variables": {"m": random.choice(METRICS), "f": start, "t": end}}),
                              headers={"Content-Type": "application/json"}) as response:
            if response.status_code == 200 and "errors" in response.json():
                response.failure(json.dumps(response.json()["errors"])[:200])
