"""The one error type of the build machinery, shared by build, editions, manifest and lock.

Every message is one line a person can act on; `helpers.publish.build.run_build` prints it and exits non-zero.
"""

from __future__ import annotations


class BuildError(Exception):
    """A build failed; the message says why. Nothing published was changed."""
