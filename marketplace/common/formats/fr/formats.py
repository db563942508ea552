# Plain "fr" (a browser asking for French without a region) gets the Quebec formats too.
from marketplace.common.formats.fr_CA.formats import *  # noqa: F403
