"""AWS regions and where they are: each region's code and the IATA code of an airport near its
datacenters (for the latency model), and the endpoint host of DynamoDB in it."""

from __future__ import annotations

import re

__all__ = ["REGIONS", "endpoint_region", "location_of"]

#: Region -> IATA code of a nearby airport (the latency model places the region there).
REGIONS: dict[str, str] = {
    "us-east-1": "IAD",
    "us-east-2": "CMH",
    "us-west-1": "SFO",
    "us-west-2": "PDX",
    "ca-central-1": "YUL",
    "sa-east-1": "GRU",
    "eu-west-1": "DUB",
    "eu-west-2": "LHR",
    "eu-west-3": "CDG",
    "eu-central-1": "FRA",
    "eu-north-1": "ARN",
    "eu-south-1": "MXP",
    "ap-northeast-1": "NRT",
    "ap-northeast-2": "ICN",
    "ap-southeast-1": "SIN",
    "ap-southeast-2": "SYD",
    "ap-south-1": "BOM",
    "ap-east-1": "HKG",
}

_ENDPOINT = re.compile(r"^dynamodb\.([a-z0-9-]+)\.amazonaws\.com$")


def endpoint_region(host: str) -> str | None:
    """The region of a DynamoDB endpoint host (``dynamodb.eu-west-1.amazonaws.com``)."""
    m = _ENDPOINT.match(host.lower().split(":", 1)[0])
    return m.group(1) if m else None


def location_of(region: str) -> str:
    code = REGIONS.get(region)
    if code is None:
        from edgert.errors import ConfigError

        raise ConfigError(f"unknown AWS region {region!r}; known: {', '.join(REGIONS)}")
    return code
