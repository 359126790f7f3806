"""DynamoDB's errors as the JSON API returns them: HTTP 400 with ``{"__type", "message"}``."""

from __future__ import annotations

from edgert.errors import EdgertError

__all__ = [
    "ConditionalCheckFailed",
    "DynamoError",
    "InvalidSignature",
    "MissingAuthentication",
    "ResourceNotFound",
    "SerializationError",
    "UnknownOperation",
    "UnrecognizedClient",
    "ValidationError",
]


class DynamoError(EdgertError):
    """An error the emulated service answers with (``type`` is DynamoDB's ``__type``)."""

    type = "com.amazonaws.dynamodb.v20120810#InternalServerError"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, str]:
        return {"__type": self.type, "message": self.message}


class ValidationError(DynamoError):
    type = "com.amazon.coral.validate#ValidationException"


class ConditionalCheckFailed(DynamoError):
    type = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"

    def __init__(self, message: str = "The conditional request failed") -> None:
        super().__init__(message)


class ResourceNotFound(DynamoError):
    type = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"

    def __init__(self, message: str = "Requested resource not found") -> None:
        super().__init__(message)


class SerializationError(DynamoError):
    type = "com.amazon.coral.service#SerializationException"


class UnknownOperation(DynamoError):
    type = "com.amazon.coral.service#UnknownOperationException"


class InvalidSignature(DynamoError):
    type = "com.amazon.coral.service#InvalidSignatureException"


class UnrecognizedClient(DynamoError):
    type = "com.amazon.coral.service#UnrecognizedClientException"

    def __init__(
        self, message: str = "The security token included in the request is invalid."
    ) -> None:
        super().__init__(message)


class MissingAuthentication(DynamoError):
    type = "com.amazon.coral.service#MissingAuthenticationTokenException"

    def __init__(self, message: str = "Request is missing Authentication Token") -> None:
        super().__init__(message)
