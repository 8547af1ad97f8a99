# modelreg server image: docker build -t modelreg . && docker run -p 5000:5000 modelreg
FROM python:3.11-slim

RUN useradd --create-home modelreg
WORKDIR /home/modelreg
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir '.[postgres,s3,sklearn]'

USER modelreg
ENV MODELREG_TRACKING_URI=sqlite:////home/modelreg/data/registry.db
EXPOSE 5000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health')"
CMD ["modelreg", "server", "--host", "0.0.0.0", "--port", "5000"]
