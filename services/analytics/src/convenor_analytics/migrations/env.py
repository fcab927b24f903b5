from convenor_analytics.models import Base
from convenor_shared.migrations import run_env

run_env(Base.metadata)
