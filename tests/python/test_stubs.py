"""The typing stubs name exactly what the package defines, with the compiled signatures'
parameter names."""

import ast
import inspect
import pathlib
import re

import cuvee
import cuvee._cuvee as compiled

PACKAGE = pathlib.Path(cuvee.__file__).parent


def stub_tree(name):
    return ast.parse((PACKAGE / name).read_text())


def public(names):
    return {n for n in names if not n.startswith("_")}


def test_compiled_stub_names_match_the_module():
    tree = stub_tree("_cuvee.pyi")
    stubbed = {node.name for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
    assert stubbed == public(dir(compiled)) - {"annotations"}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(compiled, node.name)
        members = {m.name for m in node.body if isinstance(m, ast.FunctionDef)}
        assert public(members) == public(vars(cls)), node.name
        for method in node.body:
            if not isinstance(method, ast.FunctionDef) or method.name.startswith("__"):
                continue
            doc = getattr(cls, method.name).__doc__ or ""
            if isinstance(vars(cls)[method.name], property):
                continue
            # pybind11 writes the C++ signature's argument names first in the docstring.
            compiled_args = re.findall(r"(\w+): ", doc.split(")")[0].split("(", 1)[1])
            stub_args = [a.arg for a in method.args.args + method.args.kwonlyargs
                         if a.arg != "self"]
            assert [a for a in compiled_args if a != "self"] == stub_args, \
                f"{node.name}.{method.name}"


def test_package_stub_names_match_the_package():
    stubbed = set()
    for node in stub_tree("__init__.pyi").body:
        if isinstance(node, ast.ImportFrom):
            stubbed |= {alias.asname or alias.name for alias in node.names}
    assert stubbed == set(cuvee.__all__)
    assert all(inspect.getdoc(getattr(cuvee, name)) for name in cuvee.__all__)
