"""Versions and deployments that fail small: immutable worker versions, rollouts by percentage
or PoP waves, version affinity and overrides, health gates with automatic rollback
(``docs/deployments.md``)."""

from __future__ import annotations

from edgert.deploy.deployment import Deployment, DeploymentEvent
from edgert.deploy.gate import HealthGate, Verdict, Window
from edgert.deploy.manager import Deployments
from edgert.deploy.strategy import Immediate, Percentage, Stage, Strategy, Waves
from edgert.deploy.version import Version

__all__ = [
    "Deployment",
    "DeploymentEvent",
    "Deployments",
    "HealthGate",
    "Immediate",
    "Percentage",
    "Stage",
    "Strategy",
    "Verdict",
    "Version",
    "Waves",
    "Window",
]
