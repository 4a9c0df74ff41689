from examapp import create_app

app = create_app()
