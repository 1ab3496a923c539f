"""Word lists for a believable bilingual (Spanish / English) demo company."""

SPANISH_FIRST = [
    "Lucía", "Martín", "Sofía", "Hugo", "Valentina", "Mateo", "Paula", "Daniel", "Carmen", "Javier", "Elena",
    "Pablo", "Marta", "Alejandro", "Laura", "Diego", "Isabel", "Sergio", "Andrea", "Raúl", "Nuria", "Iñigo",
    "Claudia", "Jorge", "Ainhoa", "Rocío", "Álvaro", "Beatriz", "Gonzalo", "Irene",
]
SPANISH_LAST = [
    "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín",
    "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Torres",
    "Domínguez", "Vázquez", "Ramos", "Gil", "Serrano", "Blanco", "Molina", "Castro", "Ortega", "Rubio",
]
ENGLISH_FIRST = [
    "Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Mia", "Jack", "Grace", "Charlie", "Emily",
    "Thomas", "Chloe", "James", "Lily", "William", "Sophie", "Henry", "Ella",
]
ENGLISH_LAST = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
]
SPANISH_COMPANY_A = [
    "Aceros", "Bodegas", "Construcciones", "Distribuciones", "Ecológicos", "Farmacéutica", "Gráficas",
    "Hoteles", "Ingeniería", "Logística", "Muebles", "Náutica", "Óptica", "Panificadora", "Química",
    "Renovables", "Seguros", "Textiles", "Transportes", "Viveros", "Alimentación", "Cerámicas", "Clínicas",
    "Consultores", "Energía",
]
SPANISH_COMPANY_B = [
    "del Norte", "Levante", "Ibéricos", "Atlántico", "Mediterráneo", "Castilla", "Andaluza", "Galaica",
    "Cantábrica", "del Sur", "Hermanos Ruiz", "Sierra Nevada", "Puerta del Sol", "Tajo", "Ebro",
]
SPANISH_SUFFIX = ["S.A.", "S.L.", "S.L.U.", "S.Coop.", "S.A.U."]
ENGLISH_COMPANY_A = [
    "Northwind", "Bluebell", "Crescent", "Evergreen", "Foxglove", "Harbour", "Kingfisher", "Lighthouse",
    "Meridian", "Oakridge", "Pinnacle", "Riverside", "Silverline", "Thistle", "Waverley",
]
ENGLISH_COMPANY_B = [
    "Analytics", "Builders", "Foods", "Logistics", "Medical", "Outfitters", "Partners", "Software", "Supplies",
    "Systems", "Travel", "Energy", "Labs", "Retail", "Holdings",
]
ENGLISH_SUFFIX = ["Ltd", "plc", "Inc.", "LLC", "Group"]
SPANISH_CITIES = [
    ("Madrid", "Madrid", "28", "ES"), ("Barcelona", "Cataluña", "08", "ES"), ("Valencia", "Valencia", "46", "ES"),
    ("Sevilla", "Andalucía", "41", "ES"), ("Bilbao", "País Vasco", "48", "ES"), ("Zaragoza", "Aragón", "50", "ES"),
    ("Málaga", "Andalucía", "29", "ES"), ("A Coruña", "Galicia", "15", "ES"), ("Ciudad de México", "CDMX", "06", "MX"),
    ("Bogotá", "Cundinamarca", "11", "CO"), ("Buenos Aires", "CABA", "10", "AR"), ("Santiago", "RM", "83", "CL"),
]
ENGLISH_CITIES = [
    ("London", "Greater London", "EC1", "GB"), ("Manchester", "Greater Manchester", "M1", "GB"),
    ("Edinburgh", "Scotland", "EH1", "GB"), ("Dublin", "Leinster", "D02", "IE"), ("New York", "NY", "100", "US"),
    ("Austin", "TX", "787", "US"),
]
STREETS_ES = ["Calle Mayor", "Avenida de la Constitución", "Paseo de Gracia", "Calle de Alcalá", "Gran Vía",
              "Calle Colón", "Avenida Diagonal", "Calle Real"]
STREETS_EN = ["High Street", "Station Road", "Church Lane", "King Street", "Victoria Road", "Main Street"]
JOB_TITLES_ES = ["Director general", "Directora financiera", "Jefe de compras", "Responsable de IT",
                 "Directora comercial", "Técnico de mantenimiento", "Administrativa", "Gerente de operaciones"]
JOB_TITLES_EN = ["Chief Executive", "Finance Director", "Head of Procurement", "IT Manager", "Sales Director",
                 "Operations Manager", "Office Manager", "Maintenance Engineer"]
NOTES_ES = [
    "Interesados en ampliar el contrato el próximo trimestre.",
    "Piden una demostración del módulo de informes para su equipo.",
    "Se quejan del plazo de entrega del último pedido; revisar con logística.",
    "Presupuesto aprobado por dirección, falta la firma de compras.",
    "Quieren condiciones especiales por volumen.",
]
NOTES_EN = [
    "Keen to extend the contract next quarter.",
    "Asked for a demo of the reporting module for their team.",
    "Unhappy with the lead time of the last order; follow up with logistics.",
    "Budget signed off by the board, procurement still to sign.",
    "Looking for volume pricing.",
]
TASKS_ES = ["Enviar propuesta revisada", "Llamar para confirmar la reunión", "Preparar demo personalizada",
            "Revisar condiciones de pago", "Enviar catálogo actualizado"]
TASKS_EN = ["Send the revised proposal", "Call to confirm the meeting", "Prepare a tailored demo",
            "Review payment terms", "Send the updated catalogue"]
MEETINGS_ES = ["Reunión de seguimiento", "Presentación de producto", "Visita a planta", "Revisión trimestral"]
MEETINGS_EN = ["Follow-up meeting", "Product presentation", "Site visit", "Quarterly business review"]
CALLS_ES = ["Llamada de cualificación", "Seguimiento de presupuesto", "Consulta sobre facturación"]
CALLS_EN = ["Qualification call", "Quote follow-up", "Billing question"]
