"""Which of Quebec's 17 administrative regions a point lies in.

GeoNames' cities500 rows for Quebec carry no admin2 (census division) code, so the region can't be
looked up from the data set. We place each point with three rules, in order:

1. Île de Montréal and Île Jésus (Laval) are whole regions: a point inside their outline is there.
2. East of Montreal the St. Lawrence separates two groups of regions (north shore: Lanaudière,
   Mauricie, Capitale-Nationale, Saguenay–Lac-Saint-Jean, Côte-Nord, Nord-du-Québec; south shore:
   Montérégie, Centre-du-Québec, Chaudière-Appalaches, Bas-Saint-Laurent, Gaspésie, Estrie). Without
   this, Lévis and Québec (3 km apart, on either bank) would fall in the same region.
3. Among the regions left, the one owning the nearest reference town: every MRC seat and a few
   towns near the regional borders. Borders between regions follow MRC borders, so the nearest
   seat is a sound proxy away from the borders; the towns near them sharpen it where it matters.

Places near a border can still land on the wrong side; `OVERRIDES` fixes those we checked by hand.
"""

from __future__ import annotations

import math

from profiles.models import Region

R = Region

# (latitude, longitude) of reference towns per region: MRC seats plus towns near regional borders.
ANCHORS: dict[str, list[tuple[float, float]]] = {
    R.BAS_SAINT_LAURENT: [
        (48.45, -68.52),  # Rimouski
        (47.83, -69.54),  # Rivière-du-Loup
        (48.85, -67.53),  # Matane
        (48.46, -67.43),  # Amqui
        (48.58, -68.19),  # Mont-Joli
        (48.12, -69.18),  # Trois-Pistoles
        (47.68, -68.88),  # Témiscouata-sur-le-Lac
        (47.55, -68.65),  # Dégelis
        (47.46, -69.23),  # Pohénégamook
        (47.53, -69.80),  # Saint-Pascal
        (47.37, -70.03),  # La Pocatière
        (47.33, -69.98),  # Saint-Onésime-d'Ixworth
        (47.99, -68.68),  # Lac-des-Aigles
        (48.36, -67.23),  # Causapscal
        (49.00, -66.98),  # Les Méchins
        (48.38, -68.69),  # Le Bic
    ],
    R.SAGUENAY_LAC_SAINT_JEAN: [
        (48.42, -71.07),  # Saguenay (Chicoutimi)
        (48.42, -71.25),  # Jonquière
        (48.33, -70.88),  # La Baie
        (48.55, -71.65),  # Alma
        (48.52, -72.23),  # Roberval
        (48.88, -72.23),  # Dolbeau-Mistassini
        (48.65, -72.45),  # Saint-Félicien
        (48.23, -70.20),  # L'Anse-Saint-Jean
        (48.19, -69.94),  # Petit-Saguenay
        (48.45, -70.90),  # Saint-Fulgence
        (49.00, -72.55),  # Girardville
        (48.25, -71.75),  # Lac-Kénogami
    ],
    R.CAPITALE_NATIONALE: [
        (46.81, -71.21),  # Québec
        (46.86, -71.19),  # Beauport
        (46.78, -71.29),  # Sainte-Foy
        (46.74, -71.45),  # Saint-Augustin-de-Desmaures
        (46.68, -71.72),  # Donnacona
        (46.89, -71.83),  # Saint-Raymond
        (46.68, -72.05),  # Saint-Marc-des-Carrières
        (46.75, -72.27),  # Saint-Ubalde
        (46.65, -72.13),  # Saint-Casimir
        (46.95, -71.30),  # Lac-Beauport
        (47.00, -71.37),  # Stoneham
        (47.04, -70.90),  # Beaupré
        (46.87, -71.00),  # Île d'Orléans
        (47.44, -70.50),  # Baie-Saint-Paul
        (47.65, -70.15),  # La Malbaie
        (47.84, -69.88),  # Saint-Siméon
        (47.95, -69.72),  # Baie-Sainte-Catherine
        (47.40, -70.40),  # Île-aux-Coudres
        (47.25, -71.10),  # Réserve faunique des Laurentides (south)
    ],
    R.MAURICIE: [
        (46.35, -72.55),  # Trois-Rivières
        (46.57, -72.75),  # Shawinigan
        (47.43, -72.78),  # La Tuque
        (46.26, -72.94),  # Louiseville
        (46.73, -72.57),  # Saint-Tite
        (46.58, -72.20),  # Sainte-Anne-de-la-Pérade
        (46.49, -72.25),  # Batiscan
        (46.48, -72.97),  # Saint-Élie-de-Caxton
        (46.23, -73.02),  # Maskinongé
        (47.90, -73.78),  # Wemotaci
        (46.82, -72.50),  # Sainte-Thècle
        (46.70, -73.20),  # Saint-Alexis-des-Monts (north)
    ],
    R.ESTRIE: [
        (45.40, -71.90),  # Sherbrooke
        (45.27, -72.15),  # Magog
        (45.13, -71.80),  # Coaticook
        (45.48, -71.67),  # East Angus
        (45.42, -71.63),  # Cookshire-Eaton
        (45.58, -70.88),  # Lac-Mégantic
        (45.87, -70.98),  # Courcelles
        (45.83, -71.08),  # Lambton
        (45.71, -71.46),  # Weedon
        (45.57, -72.00),  # Windsor
        (45.67, -72.15),  # Richmond
        (45.77, -71.93),  # Val-des-Sources
        (45.50, -72.32),  # Valcourt
        (45.01, -72.09),  # Stanstead
        # Brome-Missisquoi and La Haute-Yamaska joined Estrie in July 2021.
        (45.40, -72.73),  # Granby
        (45.20, -72.75),  # Cowansville
        (45.32, -72.65),  # Bromont
        (45.22, -72.52),  # Lac-Brome
        (45.10, -72.62),  # Sutton
        (45.12, -72.98),  # Bedford
        (45.28, -72.98),  # Farnham
        (45.35, -72.52),  # Waterloo
        (45.48, -72.67),  # Roxton Pond
        (45.12, -73.07),  # Pike River
    ],
    R.MONTREAL: [(45.51, -73.59)],  # Also by outline below.
    R.OUTAOUAIS: [
        (45.48, -75.70),  # Gatineau
        (45.59, -75.42),  # Buckingham
        (45.62, -75.02),  # Papineauville
        (45.72, -75.07),  # Saint-André-Avellin
        (46.38, -75.97),  # Maniwaki
        (45.60, -76.48),  # Shawville
        (45.84, -76.74),  # Fort-Coulonge
        (45.67, -75.83),  # Wakefield
        (45.95, -76.02),  # Kazabazua
        (45.65, -74.93),  # Montebello
        (45.78, -75.10),  # Ripon
        (46.22, -75.97),  # Bouchette
        (46.65, -76.20),  # Grand-Remous
        (45.90, -74.93),  # Namur
        (45.93, -74.92),  # Saint-Émile-de-Suffolk
        (46.02, -75.08),  # Duhamel
        (45.88, -75.05),  # Chénéville
    ],
    R.ABITIBI_TEMISCAMINGUE: [
        (48.24, -79.02),  # Rouyn-Noranda
        (48.10, -77.80),  # Val-d'Or
        (48.57, -78.12),  # Amos
        (48.80, -79.20),  # La Sarre
        (47.33, -79.43),  # Ville-Marie
        (46.72, -79.10),  # Témiscaming
        (48.39, -77.24),  # Senneterre
        (48.14, -78.13),  # Malartic
        (49.00, -79.37),  # Normétal
        (47.60, -77.60),  # Réserve La Vérendrye (north)
    ],
    R.COTE_NORD: [
        (49.22, -68.15),  # Baie-Comeau
        (50.20, -66.38),  # Sept-Îles
        (50.03, -66.87),  # Port-Cartier
        (50.24, -63.60),  # Havre-Saint-Pierre
        (48.74, -69.08),  # Forestville
        (48.35, -69.41),  # Les Escoumins
        (48.15, -69.72),  # Tadoussac
        (48.23, -69.80),  # Sacré-Coeur
        (48.94, -68.65),  # Pessamit
        (49.32, -67.38),  # Godbout
        (52.79, -67.08),  # Fermont
        (54.81, -66.82),  # Schefferville
        (50.48, -59.62),  # Côte-Nord-du-Golfe-du-Saint-Laurent
        (51.23, -58.65),  # Saint-Augustin
        (49.45, -63.00),  # Anticosti
    ],
    R.NORD_DU_QUEBEC: [
        (49.92, -74.37),  # Chibougamau
        (49.78, -74.85),  # Chapais
        (49.76, -77.63),  # Matagami
        (49.05, -76.98),  # Lebel-sur-Quévillon
        (53.78, -78.90),  # Chisasibi
        (50.42, -73.87),  # Mistissini
        (58.11, -68.40),  # Kuujjuaq
        (55.28, -77.76),  # Kuujjuarapik
        (51.48, -78.75),  # Waskaganish
        (49.73, -76.17),  # Waswanipi
        (61.60, -71.96),  # Kangiqsujuaq
    ],
    R.GASPESIE_ILES: [
        (48.83, -64.48),  # Gaspé
        (48.35, -64.68),  # Chandler
        (48.05, -65.49),  # Bonaventure
        (48.11, -66.13),  # Carleton-sur-Mer
        (48.16, -65.86),  # New Richmond
        (49.12, -66.49),  # Sainte-Anne-des-Monts
        (49.10, -66.69),  # Cap-Chat
        (48.96, -65.50),  # Murdochville
        (48.02, -66.68),  # Pointe-à-la-Croix
        (48.49, -64.30),  # Percé
        (47.38, -61.86),  # Îles-de-la-Madeleine
        (48.40, -66.10),  # Parc de la Gaspésie (south)
    ],
    R.CHAUDIERE_APPALACHES: [
        (46.80, -71.18),  # Lévis
        (46.76, -71.24),  # Saint-Romuald
        (46.69, -71.07),  # Saint-Henri
        (46.59, -71.21),  # Saint-Lambert-de-Lauzon
        (46.43, -71.01),  # Sainte-Marie
        (46.30, -70.87),  # Saint-Joseph-de-Beauce
        (46.22, -70.78),  # Beauceville
        (46.12, -70.67),  # Saint-Georges
        (46.21, -70.48),  # Saint-Prosper
        (46.40, -70.50),  # Lac-Etchemin
        (46.65, -70.81),  # Saint-Lazare-de-Bellechasse
        (46.80, -70.76),  # Saint-Raphaël
        (46.93, -70.73),  # Berthier-sur-Mer
        (46.98, -70.55),  # Montmagny
        (47.10, -70.35),  # L'Islet
        (47.21, -70.27),  # Saint-Jean-Port-Joli
        (47.06, -69.93),  # Sainte-Perpétue
        (46.96, -69.78),  # Saint-Pamphile
        (46.67, -70.20),  # Saint-Fabien-de-Panet
        (46.62, -71.73),  # Sainte-Croix
        (46.53, -71.63),  # Laurier-Station
        (46.56, -71.44),  # Saint-Agapit
        (46.62, -71.93),  # Lotbinière
        (46.09, -71.31),  # Thetford Mines
        (45.90, -71.35),  # Disraeli
        (46.21, -71.08),  # East Broughton
        (46.07, -70.95),  # Saint-Éphrem-de-Beauce
        (45.96, -70.94),  # La Guadeloupe
        (45.93, -70.48),  # Saint-Théophile
        (46.07, -70.52),  # Saint-Côme-Linière
        (46.13, -70.37),  # Saint-Zacharie
        (46.00, -70.83),  # Saint-Honoré-de-Shenley
        (47.31, -70.18),  # Saint-Roch-des-Aulnaies
    ],
    R.LAVAL: [(45.57, -73.72)],  # Also by outline below.
    R.LANAUDIERE: [
        (46.02, -73.42),  # Joliette
        (45.74, -73.45),  # Repentigny
        (45.70, -73.65),  # Terrebonne
        (45.75, -73.60),  # Mascouche
        (45.82, -73.43),  # L'Assomption
        (46.08, -73.18),  # Berthierville
        (46.05, -73.72),  # Rawdon
        (45.85, -73.77),  # Saint-Lin–Laurentides
        (46.23, -73.53),  # Saint-Jean-de-Matha
        (46.68, -73.92),  # Saint-Michel-des-Saints
        (46.32, -74.22),  # Saint-Donat
        (45.97, -73.72),  # Sainte-Julienne
        (45.86, -73.59),  # Saint-Roch-de-l'Achigan
        (45.88, -73.28),  # Lavaltrie
        (47.22, -74.39),  # Manawan
        (46.07, -73.89),  # Chertsey
    ],
    R.LAURENTIDES: [
        (45.78, -74.00),  # Saint-Jérôme
        (45.64, -73.83),  # Sainte-Thérèse
        (45.67, -73.88),  # Blainville
        (45.62, -73.83),  # Boisbriand
        (45.63, -73.80),  # Rosemère
        (45.67, -73.75),  # Bois-des-Filion
        (45.76, -73.81),  # Sainte-Anne-des-Plaines
        (45.65, -74.08),  # Mirabel
        (45.56, -73.91),  # Saint-Eustache
        (45.53, -73.90),  # Deux-Montagnes
        (45.47, -74.09),  # Oka
        (45.53, -74.20),  # Saint-Placide
        (45.65, -74.33),  # Lachute
        (45.68, -74.42),  # Brownsburg-Chatham
        (45.65, -74.64),  # Grenville-sur-la-Rouge (Calumet)
        (45.95, -74.13),  # Sainte-Adèle
        (46.05, -74.28),  # Sainte-Agathe-des-Monts
        (46.21, -74.58),  # Mont-Tremblant
        (46.28, -74.73),  # Labelle
        (46.42, -74.87),  # Rivière-Rouge
        (46.55, -75.50),  # Mont-Laurier
        (46.70, -75.45),  # Ferme-Neuve
        (45.82, -73.90),  # Sainte-Sophie
        (45.96, -74.62),  # Arundel
        (46.03, -74.75),  # Amherst
        (46.02, -74.52),  # Montcalm
    ],
    R.MONTEREGIE: [
        (45.52, -73.47),  # Longueuil
        (45.45, -73.47),  # Brossard
        (45.59, -73.44),  # Boucherville
        (45.68, -73.43),  # Varennes
        (45.78, -73.35),  # Verchères
        (45.85, -73.23),  # Contrecoeur
        (46.04, -73.11),  # Sorel-Tracy
        (45.63, -72.96),  # Saint-Hyacinthe
        (45.31, -73.26),  # Saint-Jean-sur-Richelieu
        (45.45, -73.28),  # Chambly
        (45.57, -73.21),  # Beloeil
        (45.42, -73.50),  # La Prairie
        (45.38, -73.52),  # Candiac
        (45.37, -73.57),  # Saint-Constant
        (45.38, -73.75),  # Châteauguay
        (45.31, -73.87),  # Beauharnois
        (45.25, -74.13),  # Salaberry-de-Valleyfield
        (45.40, -74.03),  # Vaudreuil-Dorion
        (45.38, -73.98),  # Pincourt (Île Perrot)
        (45.45, -74.15),  # Hudson
        (45.48, -74.30),  # Rigaud
        (45.56, -74.38),  # Pointe-Fortune
        (45.08, -74.17),  # Huntingdon
        (45.13, -74.00),  # Ormstown
        (45.27, -73.62),  # Saint-Rémi
        (45.19, -73.40),  # Napierville
        (45.08, -73.37),  # Lacolle
        (45.08, -73.13),  # Venise-en-Québec
        (45.43, -73.17),  # Marieville
        (45.41, -73.00),  # Saint-Césaire
        (45.35, -72.93),  # Ange-Gardien
        (45.53, -73.00),  # Saint-Damase
        (45.65, -72.57),  # Acton Vale
        (45.73, -72.92),  # Saint-Barnabé-Sud
        (45.50, -72.91),  # Saint-Pie
        (45.65, -72.76),  # Saint-Liboire
        (46.00, -72.92),  # Yamaska
        (45.95, -72.83),  # Saint-David
    ],
    R.CENTRE_DU_QUEBEC: [
        (45.88, -72.48),  # Drummondville
        (46.05, -71.97),  # Victoriaville
        (46.23, -72.61),  # Nicolet
        (46.34, -72.43),  # Bécancour
        (46.07, -72.81),  # Pierreville
        (46.22, -71.76),  # Plessisville
        (46.17, -71.87),  # Princeville
        (45.95, -71.98),  # Warwick
        (45.85, -72.07),  # Kingsey Falls
        (46.20, -72.13),  # Daveluyville
        (46.40, -72.27),  # Gentilly
        (46.50, -72.20),  # Saint-Pierre-les-Becquets
        (45.83, -72.57),  # Saint-Germain-de-Grantham
        (46.11, -72.37),  # Saint-Léonard-d'Aston
        (45.88, -71.94),  # Tingwick
        (46.00, -72.75),  # Saint-Pie-de-Guire
        (46.30, -72.00),  # Fortierville area
        (46.35, -71.70),  # Inverness area
        (45.72, -72.42),  # Lefebvre
        (45.65, -72.33),  # Durham-Sud
        (45.75, -72.50),  # Wickham
    ],
}

NORTH_SHORE = {
    R.LANAUDIERE,
    R.MAURICIE,
    R.CAPITALE_NATIONALE,
    R.SAGUENAY_LAC_SAINT_JEAN,
    R.COTE_NORD,
    R.NORD_DU_QUEBEC,
}
SOUTH_SHORE = {
    R.MONTEREGIE,
    R.CENTRE_DU_QUEBEC,
    R.CHAUDIERE_APPALACHES,
    R.BAS_SAINT_LAURENT,
    R.GASPESIE_ILES,
    R.ESTRIE,
}

# The St. Lawrence's channel from the east tip of Montreal to the Gulf, west to east, (lat, lon).
# Downstream of Quebec City it runs south of Île d'Orléans (part of Capitale-Nationale).
ST_LAWRENCE: list[tuple[float, float]] = [
    (45.71, -73.46),
    (45.80, -73.38),
    (45.865, -73.26),
    (45.90, -73.22),  # between Contrecoeur and Lanoraie
    (46.06, -73.12),  # Sorel-Tracy stays on the south shore
    (46.10, -73.02),
    (46.20, -72.85),
    (46.28, -72.62),
    (46.36, -72.50),
    (46.43, -72.33),
    (46.53, -72.17),
    (46.635, -71.93),
    (46.68, -71.57),
    (46.72, -71.43),
    (46.75, -71.27),
    (46.83, -71.15),
    (46.845, -71.00),
    (46.89, -70.90),
    (47.00, -70.75),
    (47.35, -70.30),
    (47.70, -69.90),
    (48.05, -69.55),
    (48.30, -69.20),
    (48.70, -68.50),
    (49.05, -67.80),
    (49.50, -66.50),
    (49.75, -64.00),
    (49.90, -61.00),
    (50.30, -57.00),
]

# Outlines (lat, lon) of the two island regions, traced along their shores.
# The Rivière des Prairies between them, west to east, drawn between GeoNames' own points on either bank
# (Cartierville, Ahuntsic, Montréal-Nord on one side; Chomedey, Pont-Viau, Duvernay on the other).
_PRAIRIES = [
    (45.515, -73.870),
    (45.520, -73.800),
    (45.525, -73.750),
    (45.545, -73.712),
    (45.562, -73.690),
    (45.574, -73.665),
    (45.595, -73.645),
    (45.612, -73.635),
    (45.632, -73.600),
    (45.652, -73.570),
]
MONTREAL_ISLAND: list[tuple[float, float]] = [
    (45.405, -73.965),  # Sainte-Anne-de-Bellevue (west tip)
    (45.445, -73.965),  # Senneville
    (45.475, -73.935),
    (45.505, -73.935),  # Île Bizard (west)
    (45.525, -73.890),  # Île Bizard (north)
    *_PRAIRIES,
    (45.675, -73.520),
    (45.700, -73.475),  # Pointe-aux-Trembles (east tip)
    (45.650, -73.490),  # Montréal-Est
    (45.600, -73.505),
    (45.555, -73.525),  # Hochelaga (port)
    (45.520, -73.535),  # Vieux-Montréal
    (45.475, -73.535),  # Île des Soeurs (east)
    (45.450, -73.555),
    (45.435, -73.600),  # LaSalle
    (45.425, -73.670),  # Lachine
    (45.430, -73.740),  # Dorval
    (45.430, -73.820),  # Pointe-Claire
    (45.400, -73.915),  # Baie-D'Urfé
]
LAVAL_ISLAND: list[tuple[float, float]] = [
    *_PRAIRIES,
    (45.690, -73.545),  # east tip (Saint-François)
    (45.660, -73.660),  # Rivière des Mille Îles shore
    (45.640, -73.720),
    (45.605, -73.780),
    (45.555, -73.830),
    (45.530, -73.880),  # west tip (Laval-sur-le-Lac)
]

# Places whose region the rules above get wrong, checked by hand: GeoNames id → region.
OVERRIDES: dict[int, str] = {
    # GeoNames puts this island village in the river off Montmagny; it is in Charlevoix.
    12076678: R.CAPITALE_NATIONALE,
}


def _inside(point: tuple[float, float], polygon: list[tuple[float, float]]) -> bool:
    """Ray casting: is the point inside the polygon?"""
    lat, lon = point
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (lon1 > lon) != (lon2 > lon):
            crossing = lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
            if lat < crossing:
                inside = not inside
    return inside


def _river_latitude(lon: float) -> float | None:
    """The St. Lawrence's latitude at a longitude, or None west of Montreal's east tip."""
    for (lat1, lon1), (lat2, lon2) in zip(ST_LAWRENCE, ST_LAWRENCE[1:], strict=False):
        if lon1 <= lon <= lon2:
            return lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
    if lon > ST_LAWRENCE[-1][1]:
        return ST_LAWRENCE[-1][0]
    return None


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: precise enough to compare neighbours."""
    mean_lat = math.radians((a[0] + b[0]) / 2)
    dx = math.radians(b[1] - a[1]) * math.cos(mean_lat)
    dy = math.radians(b[0] - a[0])
    return 6371 * math.hypot(dx, dy)


def region_for(*, latitude: float, longitude: float, geonames_id: int | None = None) -> str:
    """The administrative region (its two-digit code) of a point in Quebec."""
    if geonames_id in OVERRIDES:
        return OVERRIDES[geonames_id]
    point = (latitude, longitude)
    if _inside(point, MONTREAL_ISLAND):
        return R.MONTREAL
    if _inside(point, LAVAL_ISLAND):
        return R.LAVAL
    candidates = set(ANCHORS) - {R.MONTREAL, R.LAVAL}
    river = _river_latitude(longitude)
    if river is not None:
        candidates &= NORTH_SHORE if latitude > river else SOUTH_SHORE
    best_region, best_distance = "", math.inf
    for region in candidates:
        for anchor in ANCHORS[region]:
            distance = _distance_km(point, anchor)
            if distance < best_distance:
                best_region, best_distance = region, distance
    return best_region
