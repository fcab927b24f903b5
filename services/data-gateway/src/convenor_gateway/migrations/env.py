from convenor_gateway.models import Base
from convenor_shared.migrations import run_env

run_env(Base.metadata)
