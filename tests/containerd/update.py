#!/usr/bin/python3
"""Calls containerd's Tasks.Update, which ctr 1.6 has no command for.

    update.py SOCKET NAMESPACE CONTAINER-ID RESOURCES-JSON

RESOURCES-JSON is an OCI linux.resources object. containerd wraps non-protobuf
types in a google.protobuf.Any whose value is their JSON (typeurl), so the
request is encoded by hand: no generated stubs needed, only python3-grpcio.
The shim turns it into `<runtime> update --resources - <id>`.
"""
import sys

import grpc

TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, data):
    """A length-delimited protobuf field (wire type 2)."""
    return varint(num << 3 | 2) + varint(len(data)) + data


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sock, namespace, cid, resources = sys.argv[1:]
    any_msg = field(1, TYPE_URL.encode()) + field(2, resources.encode())
    # UpdateTaskRequest: container_id = 1, resources = 2
    request = field(1, cid.encode()) + field(2, any_msg)
    with grpc.insecure_channel("unix://" + sock) as channel:
        update = channel.unary_unary("/containerd.services.tasks.v1.Tasks/Update")
        try:
            update(request, metadata=[("containerd-namespace", namespace)], timeout=30)
        except grpc.RpcError as e:
            sys.exit("update: %s: %s" % (e.code().name, e.details()))


if __name__ == "__main__":
    main()
