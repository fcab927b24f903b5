from convenor_shared.migrations import run_env
from convenor_registry.models import Base

run_env(Base.metadata)
