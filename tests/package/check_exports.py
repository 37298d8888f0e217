"""Checks that shared authcore libraries export their API and nothing else.

    check_exports.py <include/authcore directory> <library.so>...

The rule (docs/cmake.md, "What a shared library exports"), for every symbol
`nm -D --defined-only` lists:
  1. its demangled name (`nm -DC`) nowhere contains `authcore::detail::`, not
     even as a template argument;
  2. it is a C++ symbol in namespace authcore, and the name directly inside
     authcore (a class, function or namespace such as `dangerous`) is
     declared in a public header; or
  3. it is a weak or unique symbol (nm types W, V, u) of the C++ standard
     library's namespaces `std` or `__gnu_cxx`: an instantiation of a
     standard template (`std::vector<authcore::HmacKey>::_M_realloc_insert`,
     the typeinfo of `std::bad_variant_access`) that the compiler emits with
     default visibility because namespace std has it. The dynamic linker
     merges these with the program's own copies; they are not API.
Anything else (another namespace, a C symbol, a strong std:: symbol) fails.
Exit status 1 lists every offending symbol.
"""
import pathlib
import re
import subprocess
import sys

# The special names of the Itanium C++ ABI that wrap an entity: vtable,
# VTT, typeinfo, typeinfo name, guard variable, and the two kinds of thunk.
SPECIAL_PREFIX = re.compile(r"T[VTIS]|GV|Thn?\d+_|Tvn?\d+_n?\d+_")
# The standard-library substitutions std::allocator, std::basic_string,
# std::string, std::istream, std::ostream, std::iostream (and St: std::).
STD_ABBREVIATIONS = ("St", "Sa", "Sb", "Ss", "Si", "So", "Sd")
WEAK_TYPES = {"W", "V", "u"}


def outer_scopes(mangled):
    """The first two components of a mangled name's scope, e.g. ('authcore',
    'Claims') for _ZNK8authcore6Claims4jsonB5cxx11Ev, ('std', None) for any
    std:: name; None for a symbol that is no C++ name."""
    if not mangled.startswith("_Z"):
        return None
    rest = mangled[2:]
    while True:
        special = SPECIAL_PREFIX.match(rest)
        if special:
            rest = rest[special.end():]
        elif rest.startswith("Z"):  # a local entity: the function it is local to
            rest = rest[1:]
        else:
            break
    nested = re.match(r"N[rVK]*[RO]?", rest)
    if nested:
        rest = rest[nested.end():]
    if rest.startswith(STD_ABBREVIATIONS):
        return ("std", None)
    names = []
    while len(names) < 2:
        name = re.match(r"(\d+)", rest)
        if not name:
            break
        length = int(name.group(1))
        names.append(rest[name.end():name.end() + length])
        rest = rest[name.end() + length:]
        if not nested:
            break
    if not names:
        return None
    return (names[0], names[1] if len(names) > 1 else None)


def public_identifiers(include_dir):
    words = set()
    for header in pathlib.Path(include_dir).glob("*.hpp"):
        words.update(re.findall(r"\b\w+\b", header.read_text()))
    return words


def defined_symbols(library, demangle):
    command = ["nm", "-D", "--defined-only", "--no-sort"] + (["-C"] if demangle else []) + [library]
    lines = subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()
    # "<address> <type> <name>"; the name may contain spaces once demangled.
    return [tuple(line.split(" ", 2)[1:]) for line in lines if line.strip()]


def violations(library, identifiers):
    mangled = defined_symbols(library, demangle=False)
    demangled = defined_symbols(library, demangle=True)
    if len(mangled) != len(demangled):
        return [f"nm listed {len(mangled)} symbols, nm -C {len(demangled)}"]
    found = []
    for (kind, name), (_, readable) in zip(mangled, demangled):
        scopes = outer_scopes(name)
        if "authcore::detail::" in readable:
            found.append(f"{kind} {readable}: authcore::detail is internal")
        elif scopes and scopes[0] == "authcore":
            if scopes[1] not in identifiers:
                inner = scopes[1] or "(an operator or unnamed entity)"
                found.append(f"{kind} {readable}: authcore::{inner} is declared in no public header")
        elif scopes and scopes[0] in ("std", "__gnu_cxx") and kind in WEAK_TYPES:
            continue
        else:
            found.append(f"{kind} {readable}: not in namespace authcore")
    return found


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    identifiers = public_identifiers(sys.argv[1])
    failed = False
    for library in sys.argv[2:]:
        found = violations(library, identifiers)
        exported = len(defined_symbols(library, demangle=False))
        if found:
            failed = True
            print(f"{library}: {len(found)} of {exported} exported symbols break the rule:")
            for line in found:
                print("  " + line)
        else:
            print(f"{library}: {exported} exported symbols, all API or standard-library instantiations")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
