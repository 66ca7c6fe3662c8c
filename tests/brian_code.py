"""The generated code of a brian2 network, for the tests that check compiled code is reused."""


def generated_code(network):
    """Sorted source of every code object of ``network`` and of the objects it contains."""
    objects, stack = [], list(network.objects)
    while stack:
        obj = stack.pop()
        objects.append(obj)
        stack.extend(getattr(obj, "_contained_objects", []))
    return sorted(str(co.code) for obj in objects for co in getattr(obj, "_code_objects", []))
