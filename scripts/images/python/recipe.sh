# python:3.11-slim — Debian 12's Python 3.11 (3.11.2) with pip and venv on the slim
# base; `python` and `pip` are there as in Docker's image, and pip may install
# system-wide (Debian's "externally managed" marker is removed, as upstream has none).
IMAGE=localhost/layerlab/base/python:3.11-slim-bookworm
SUITE=bookworm VARIANT=minbase SLIM=1
INCLUDE=python3,python3-pip,python3-venv,python-is-python3,ca-certificates
ARCHES=host
VERSION_OF=python3.11
HOOKS=(--customize-hook="$LIB/hooks/docker-apt.sh" --customize-hook='rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED; ln -sf pip3 "$1"/usr/bin/pip; find "$1"/usr/lib/python3* -name __pycache__ -type d -prune -exec rm -rf {} +')
CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'ENV LANG=C.UTF-8'
  'ENV PYTHONUNBUFFERED=1'
  'CMD ["python3"]'
)
PUSH=(library/python:3.11-slim library/python:3.11-slim-bookworm library/python:{v}-slim library/python:{v}-slim-bookworm)
